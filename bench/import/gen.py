#!/usr/bin/env python3
"""Generate a large GED 25.1-layout CSV for the import benchmark — SYNTHETIC data.

    python3 bench/import/gen.py ROWS OUT.csv [--seed N] [--src data/synthetic/...csv]

Each output row is a copy of a row of the synthetic Mali file (itself synthetic, see
data/synthetic/README.md), taken in turn, with:
  * a unique `id` from 100000001 up (far above the synthetic 90000001…, never a real GED
    id) and `relid` suffixed with `-B<n>` to stay unique;
  * latitude/longitude jittered by up to ±JITTER degrees (default 0.15°), clamped to
    Mali's bounding box; `geom_wkt` and `priogrid_gid` recomputed from the new point.
    Most points stay inside Mali; a few near the border fall outside it, as in real data;
  * dates (date_start, date_end, source_date) shifted by a whole number of weeks
    (−52…+52), and `year` recomputed from the new date_start;
  * every `source_*` field still reads SYNTHETIC, as in the input.

Deterministic for a given seed and row count. Writes about 0.5 KB per row.
"""

import argparse
import csv
import datetime as dt
import io
import math
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DEFAULT_SRC = os.path.join(ROOT, "data", "synthetic", "ged_mali_synthetic_2012_2022.csv")

# Mali's outline bounds (data/PROVENANCE.md): lon −12.239…4.245, lat 10.141…24.9995.
LON_MIN, LON_MAX = -12.239, 4.245
LAT_MIN, LAT_MAX = 10.141, 24.9995
FIRST_ID = 100_000_001
N_SHIFTS = 105  # week shifts −52…+52


def csv_cells(values):
    """The CSV text of a list of cells, without the trailing newline."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(values)
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("rows", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--jitter", type=float, default=0.15, help="max degrees (default 0.15)")
    ap.add_argument("--src", default=DEFAULT_SRC)
    a = ap.parse_args()

    with open(a.src, newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        header = next(rd)
        rows = list(rd)
    col = {name: i for i, name in enumerate(header)}
    assert len(header) == 49, f"expected the 49 GED 25.1 columns, got {len(header)}"
    i_id, i_relid, i_year = col["id"], col["relid"], col["year"]
    i_srcdate, i_lat, i_lon = col["source_date"], col["latitude"], col["longitude"]
    i_wkt, i_gid = col["geom_wkt"], col["priogrid_gid"]
    i_ds, i_de = col["date_start"], col["date_end"]
    # The layout the code below relies on: these columns in this order.
    assert i_id == 0 and i_relid == 1 and i_year == 2
    assert i_year < i_srcdate < i_lat and i_lat + 1 == i_lon == i_wkt - 1 == i_gid - 2
    assert i_gid < i_ds and i_ds + 1 == i_de

    def shift_date(text, days):
        # source_date may hold several dates separated by ';'
        return ";".join(
            (dt.date.fromisoformat(p.strip()[:10]) + dt.timedelta(days=days)).isoformat()
            for p in text.split(";")
        )

    # Per template row: constant CSV segments and lookup tables of shifted dates.
    templates = []
    for r in rows:
        seg1 = csv_cells(r[i_year + 1 : i_srcdate])  # active_year … source_office
        seg2 = csv_cells(r[i_srcdate + 1 : i_lat])  # source_headline … adm_2
        seg3 = csv_cells(r[i_gid + 1 : i_ds])  # country … date_prec
        seg4 = csv_cells(r[i_de + 1 :])  # deaths_a … gwnob
        dates = []
        for k in range(N_SHIFTS):
            days = (k - N_SHIFTS // 2) * 7
            ds = shift_date(r[i_ds], days)
            dates.append(
                (
                    ds[:4],
                    f",{seg1},{csv_cells([shift_date(r[i_srcdate], days)])},{seg2},",
                    f",{seg3},{ds},{shift_date(r[i_de], days)},{seg4}\n",
                )
            )
        assert csv_cells([r[i_relid]]) == r[i_relid], "relid would need quoting"
        templates.append((r[i_relid], float(r[i_lat]), float(r[i_lon]), dates))

    rng = random.Random(a.seed)
    rnd = rng.random
    jit = a.jitter
    floor = math.floor
    n_t = len(templates)
    t0 = time.time()
    os.makedirs(os.path.dirname(os.path.abspath(a.out)) or ".", exist_ok=True)
    tmp = a.out + ".part"
    with open(tmp, "w", encoding="utf-8", newline="", buffering=1 << 22) as out:
        out.write(",".join(header) + "\n")
        chunk = []
        for n in range(a.rows):
            relid, lat0, lon0, dates = templates[n % n_t]
            lat = lat0 + (rnd() * 2.0 - 1.0) * jit
            lon = lon0 + (rnd() * 2.0 - 1.0) * jit
            lat = LAT_MIN if lat < LAT_MIN else LAT_MAX if lat > LAT_MAX else lat
            lon = LON_MIN if lon < LON_MIN else LON_MAX if lon > LON_MAX else lon
            slat = f"{lat:.4f}"
            slon = f"{lon:.4f}"
            # gid from the written (rounded) coordinates, as UCDP does
            gid = floor((float(slat) + 90.0) * 2.0) * 720 + floor((float(slon) + 180.0) * 2.0) + 1
            year, mid, tail = dates[int(rnd() * N_SHIFTS)]
            chunk.append(
                f"{FIRST_ID + n},{relid}-B{n},{year}{mid}{slat},{slon},POINT ({slon} {slat}),{gid}{tail}"
            )
            if len(chunk) >= 20000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))
    os.replace(tmp, a.out)
    secs = time.time() - t0
    size = os.path.getsize(a.out)
    print(
        f"gen: {a.rows:,} rows, {size / 1e6:,.0f} MB -> {a.out} in {secs:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
