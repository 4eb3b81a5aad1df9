#!/usr/bin/env bash
# Footprint benchmark (issue #17): all six scenarios, day and night, on the demo inputs
# and on 1M SYNTHETIC points, Vigil (vigil-footprint, dev profile) and the geopandas
# reference (buffer + sjoin per site, dissolve; reference.py) in the same run; prints
# both times, the ratio, and whether the counts agree. See bench/footprint/RESULTS.md.
#
#   bench/footprint/run.sh [N_POINTS]      (default 1000000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
OUT=${OUT:-bench/out/footprint}
N=${1:-1000000}
mkdir -p "$OUT"
python3 -c 'import geopandas' 2>/dev/null || pip install -q geopandas
cargo build -q -p vigil-footprint --example footprint_bench
TARGET_DIR=${CARGO_TARGET_DIR:-target}
"$TARGET_DIR"/debug/examples/footprint_bench "$OUT" "$N" | tee "$OUT/vigil.txt"
python3 -W ignore bench/footprint/reference.py "$OUT" | tee "$OUT/geopandas.txt"
v_demo=$(sed -n 's/^VIGIL_DEMO_S=//p' "$OUT/vigil.txt"); v_big=$(sed -n 's/^VIGIL_BIG_S=//p' "$OUT/vigil.txt")
g_demo=$(sed -n 's/^GEO_DEMO_S=//p' "$OUT/geopandas.txt"); g_big=$(sed -n 's/^GEO_BIG_S=//p' "$OUT/geopandas.txt")
python3 - "$v_demo" "$g_demo" "$v_big" "$g_big" "$N" <<'PY'
import sys
vd, gd, vb, gb, n = map(float, sys.argv[1:])
print(f"ratio demo (geopandas / vigil): {gd / vd:.0f}x  ({gd*1e3:.0f} ms vs {vd*1e3:.2f} ms)")
print(f"ratio {int(n)} points (geopandas / vigil): {gb / vb:.0f}x  ({gb:.1f} s vs {vb:.2f} s)")
PY
