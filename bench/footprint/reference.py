"""The geopandas reference for the footprint benchmark (bench/footprint/run.sh).

Same coverage as Vigil's, computed the GIS way, on the points and reach sources the
Rust example wrote (OUT/demo_points.csv, OUT/synthetic_points.csv, OUT/scenarios.json):
- within 1 h: per CASEVAC site a circle of the 1-h radius (buffer in a site-centred
  azimuthal equidistant projection, back to WGS84), dissolved, joined to the points
  (sjoin, predicate within);
- ground QRF: the same with the ground radius;
- within 2 h: distances in each site's azimuthal equidistant projection (GeoSeries
  .distance), min over sites of launch + flight, plus on scene and the flight to the
  nearest Level 2, against the 2-h window.
Prints the time per data set and the counts, compared with Vigil's counts.

    python3 bench/footprint/reference.py OUT_DIR
"""
import json
import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

OUT = sys.argv[1]
cfg = json.load(open(f"{OUT}/scenarios.json"))
V = cfg["speed_kmh"]
W1, W2, ON = cfg["window_1h_min"], cfg["window_2h_min"], cfg["on_scene_min"]


def aeqd(lat, lon):
    return f"+proj=aeqd +lat_0={lat} +lon_0={lon} +R=6371008.8 +units=m +no_defs"


def circles(centres):
    """Dissolved geodesic circles [(lat, lon, radius_km)] as one WGS84 geometry."""
    parts = []
    for lat, lon, r in centres:
        if r <= 0:
            continue
        c = gpd.GeoSeries([Point(0, 0)], crs=aeqd(lat, lon)).buffer(r * 1000, quad_segs=64)
        parts.append(c.to_crs(4326))
    if not parts:
        return None
    return gpd.GeoDataFrame(geometry=pd.concat(parts, ignore_index=True), crs=4326).dissolve()


def inside(points, region):
    if region is None:
        return np.zeros(len(points), dtype=bool)
    j = gpd.sjoin(points, region, predicate="within", how="inner")
    m = np.zeros(len(points), dtype=bool)
    m[j.index.unique()] = True
    return m


def km_from(points, lat, lon):
    return points.to_crs(aeqd(lat, lon)).distance(Point(0, 0)).to_numpy() / 1000.0


def coverage(points, run):
    air = [s for s in run["sources"] if s["casevac_units"] > 0]
    in1 = inside(points, circles([(s["lat"], s["lon"], s["radius_1h_km"]) for s in air]))
    ground = inside(points, circles([(s["lat"], s["lon"], s["ground_radius_km"]) for s in run["sources"] if s["qrf_units"] > 0]))
    in2 = np.zeros(len(points), dtype=bool)
    if air and run["dcs"]:
        best = np.full(len(points), np.inf)
        for s in air:
            best = np.minimum(best, s["launch_min"] + km_from(points, s["lat"], s["lon"]) / V * 60)
        near = np.full(len(points), np.inf)
        for d in run["dcs"]:
            near = np.minimum(near, km_from(points, d["lat"], d["lon"]))
        in2 = best + ON + near / V * 60 <= W2
    return int(in1.sum()), int(in2.sum()), int(ground.sum())


def bench(name, csv, vigil_counts):
    df = pd.read_csv(csv)
    t0 = time.perf_counter()
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(df.lon, df.lat), crs=4326)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    got = {}
    for run in cfg["runs"]:
        got[(run["scenario"], run["night"])] = coverage(points, run)
    took = time.perf_counter() - t0
    vc = pd.read_csv(vigil_counts)
    diffs = []
    for _, r in vc.iterrows():
        g = got[(str(r.scenario), bool(r.night))]
        v = (int(r.in_1h), int(r.in_2h), int(r.ground))
        if g != v:
            diffs.append(f"{r.scenario} {'night' if r.night else 'day'}: geopandas {g} vigil {v}")
    print(f"geopandas {name}: {len(points)} points, build {build*1e3:.0f} ms; 6 scenarios x day/night: {took*1e3:.0f} ms")
    n = len(vc)
    print(f"geopandas {name}: counts (in 1 h, in 2 h, ground) equal to Vigil's in {n - len(diffs)} of {n} runs")
    for d in diffs:
        print("  differs:", d)
    return took


t_demo = bench("demo", f"{OUT}/demo_points.csv", f"{OUT}/vigil_demo_counts.csv")
t_big = bench("synthetic", f"{OUT}/synthetic_points.csv", f"{OUT}/vigil_counts.csv")
print(f"GEO_DEMO_S={t_demo:.6f}")
print(f"GEO_BIG_S={t_big:.6f}")
