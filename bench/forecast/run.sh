#!/usr/bin/env bash
# Vigil's forecasting benchmark (issue 3, Performance). See bench/forecast/RESULTS.md.
#
#   bench/forecast/run.sh
#
# 1. SYNTHETIC Mali panel (498 cells × 132 months), acceptance protocol (origins
#    2018-12..2021-12, refit every 6, horizons 1/3/6/12, CRPS from 1,000 draws):
#    Vigil's learned model, then the pandas + LightGBM peer with the same features and
#    the same hurdle, on 2 threads and on 1 (the faster counts).
# 2. Africa-sized SYNTHETIC panel (CELLS × MONTHS, default 10,000 × 400): 12 horizon
#    fits, forecasts and scores; time and peak memory.
# Environment: CELLS=10000 MONTHS=400; SKIP_PEER=1; SKIP_AFRICA=1.
# Output under bench/out/forecast/ (gitignored); the summary is printed at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
OUT=$ROOT/bench/out/forecast
mkdir -p "$OUT"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
B=$TARGET_DIR/release/examples/forecast_bench

cargo build --release -p vigil-forecast --example forecast_bench
if [ -z "${SKIP_PEER:-}" ]; then
  python3 -c 'import pandas, lightgbm' 2>/dev/null || pip install -q -r bench/forecast/requirements.txt
fi

field() { grep -E "$1" "$2" | head -1 | sed -E "s/.*$1[^0-9]*([0-9.:]+).*/\1/"; }
cpu() { awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$1"; }

echo "== Vigil, SYNTHETIC Mali"
/usr/bin/time -v "$B" mali "$ROOT/data" "$OUT/panel_mali.csv" 2> "$OUT/vigil_mali.time" | tee "$OUT/vigil_mali.txt"
if [ -z "${SKIP_PEER:-}" ]; then
  for th in 2 1; do
    echo "== peer (pandas + LightGBM, $th thread(s)), SYNTHETIC Mali"
    PEER_THREADS=$th OMP_WAIT_POLICY=passive /usr/bin/time -v python3 bench/forecast/peer.py "$OUT/panel_mali.csv" \
      2> "$OUT/peer_mali_$th.time" | tee "$OUT/peer_mali_$th.txt"
  done
fi
if [ -z "${SKIP_AFRICA:-}" ]; then
  echo "== Vigil, Africa-sized SYNTHETIC panel"
  /usr/bin/time -v "$B" africa "${CELLS:-10000}" "${MONTHS:-400}" 2> "$OUT/africa.time" | tee "$OUT/africa.txt"
fi

echo
echo "== summary (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
vw=$(grep -oE 'features\+fits\+forecasts\+scoring [0-9.]+s, total [0-9.]+' "$OUT/vigil_mali.txt" | grep -oE '[0-9.]+$')
vc=$(grep -oE 'mean CRPS over horizons [0-9.]+' "$OUT/vigil_mali.txt" | grep -oE '[0-9.]+$')
vrc=$(grep -oE 'CPU of features\+fits\+forecasts\+scoring [0-9.]+' "$OUT/vigil_mali.txt" | grep -oE '[0-9.]+$' || true)
echo "vigil: wall ${vw}s (load + run), CPU $(cpu "$OUT/vigil_mali.time")s (whole process, with the untimed one-origin breakdown and conflictology run; the timed run alone ${vrc:-?}s), mean CRPS $vc"
if [ -z "${SKIP_PEER:-}" ]; then
  best=""
  for th in 2 1; do
    pw=$(grep -oE 'wall [0-9.]+' "$OUT/peer_mali_$th.txt" | grep -oE '[0-9.]+$')
    pc=$(grep -oE 'mean CRPS over horizons [0-9.]+' "$OUT/peer_mali_$th.txt" | grep -oE '[0-9.]+$')
    echo "peer ($th thread(s)): wall ${pw}s (imports included), CPU $(cpu "$OUT/peer_mali_$th.time")s, mean CRPS $pc"
    if [ -z "$best" ] || awk "BEGIN{exit !($pw < $best)}"; then best=$pw; bestc=$pc; fi
  done
  awk -v p="$best" -v v="$vw" -v pc="$bestc" -v vc="$vc" 'BEGIN {
    printf "speed-up vs the faster peer run: %.1fx; CRPS vigil %s vs peer %s (%s)\n", p / v, vc, pc, (vc <= pc ? "equal or better" : "WORSE") }'
fi
if [ -z "${SKIP_AFRICA:-}" ]; then
  grep -E '^africa' "$OUT/africa.txt" | tail -2
  echo "africa: peak memory (max RSS) $(awk -F': ' '/Maximum resident/ {printf "%.2f GiB", $2/1048576}' "$OUT/africa.time"), wall $(field 'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\)' "$OUT/africa.time")"
fi
