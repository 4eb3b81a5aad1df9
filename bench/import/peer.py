#!/usr/bin/env python3
"""The Python peer of Vigil's import benchmark: what an analyst would write.

    python peer.py GED.csv CERCLES.geojson OUT.sqlite

pandas read_csv of the GED file, geopandas sjoin (predicate "within") of the points
against the cercles, the PRIO-GRID gid formula, then to_sql into a fresh SQLite file.
Like Vigil, an event whose where_prec is 4 or coarser gets no admin2 (its point is a
region or country centroid). Prints the time of each step to stderr.
"""

import os
import sqlite3
import sys
import time

T0 = time.perf_counter()

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

WHERE_PREC_NO_ADMIN2 = 4


def main():
    ged, cercles_path, out = sys.argv[1:4]
    steps = [("imports", time.perf_counter() - T0)]

    def step(name, t):
        steps.append((name, time.perf_counter() - t))
        return time.perf_counter()

    t = time.perf_counter()
    df = pd.read_csv(ged, dtype={"gwnoa": str, "gwnob": str, "source_date": str}, low_memory=False)
    t = step("read_csv", t)

    cercles = gpd.read_file(cercles_path, engine="pyogrio")[["adm2_pcode", "geometry"]]
    pts = gpd.GeoDataFrame(
        df, geometry=gpd.points_from_xy(df["longitude"], df["latitude"]), crs=cercles.crs
    )
    joined = gpd.sjoin(pts, cercles, how="left", predicate="within")
    # A point inside two (overlapping) polygons would appear twice: keep the first.
    joined = joined[~joined.index.duplicated(keep="first")]
    admin2 = joined["adm2_pcode"].where(joined["where_prec"] < WHERE_PREC_NO_ADMIN2)
    df["admin2"] = admin2.reindex(df.index)
    del pts, joined
    t = step("sjoin", t)

    lat = df["latitude"].to_numpy()
    lon = df["longitude"].to_numpy()
    df["gid"] = (np.floor((lat + 90.0) / 0.5) * 720 + np.floor((lon + 180.0) / 0.5) + 1).astype(
        "int64"
    )
    t = step("gid", t)

    if os.path.exists(out):
        os.remove(out)
    con = sqlite3.connect(out)
    df.to_sql("incidents", con, index=False, chunksize=50_000)
    con.commit()
    con.close()
    t = step("to_sql", t)

    total = sum(s for _, s in steps)
    print(
        "peer: " + ", ".join(f"{n} {s:.1f}s" for n, s in steps) + f"; total {total:.1f}s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
