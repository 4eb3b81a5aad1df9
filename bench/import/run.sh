#!/usr/bin/env bash
# Vigil's import benchmark (issue 2, Performance). See bench/import/README.md.
#
#   bench/import/run.sh            # 1M rows: Vigil (SQLite), Python peer, SQLite floor;
#                                  # Vigil on PostgreSQL beside PostGIS at 1M and 10M;
#                                  # then Vigil (SQLite) on 10M
#
# Environment:
#   ROWS=1000000 BIG_ROWS=10000000   file sizes (BIG_ROWS=0 skips the large runs)
#   SKIP_PEER=1 SKIP_POSTGIS=1 SKIP_VIGIL=1 SKIP_FLOOR=1   leave a side out
#   SKIP_VIGIL_SQLITE=1 SKIP_VIGIL_PG=1   leave out Vigil on one backend (the binary is still built)
#   PG_BIG=0                       skip the 10M PostgreSQL pair (Vigil-PG + PostGIS)
#   VIGIL_BENCH_POSTGRES=postgres://user:pass@host:port   use that server (a superuser)
#                                  instead of starting a throwaway one (scripts/pg-start.sh)
#   VIGIL_REV=<commit>             build Vigil from that commit (a clean clone in
#                                  bench/out/src) instead of the working tree
#   VIGIL_BIN=/path/to/vigil       use that binary, build nothing
# Everything is written under bench/out/ (gitignored); the summary is printed at the end
# and saved in bench/out/summary.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
HERE=$ROOT/bench/import
OUT=$ROOT/bench/out
ROWS=${ROWS:-1000000}
BIG_ROWS=${BIG_ROWS:-10000000}
CERCLES=$ROOT/data/boundaries/mli_adm2_cercles_ocha_cod.geojson
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
VIGIL=${VIGIL_BIN:-$TARGET_DIR/release/vigil}
mkdir -p "$OUT"
rm -f "$OUT"/*.counts "$OUT"/*.time "$OUT/summary.txt" # no stale figures in the summary

section() { printf '\n===== %s =====\n' "$*"; }
die() { echo "run.sh: $*" >&2; exit 1; }

# name=value results, printed in the summary
declare -A R
fmt_ratio() { # a b → a/b with 1 decimal, or n/a
    awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.1f×", a / b }'
}
# Run a command under /usr/bin/time; sets R[name.wall] (s) and R[name.rss_mb].
timed() {
    local name=$1
    shift
    /usr/bin/time -o "$OUT/$name.time" -f 'wall=%e rss_kb=%M' "$@"
    local wall rss
    wall=$(sed -n 's/.*wall=\([0-9.]*\).*/\1/p' "$OUT/$name.time" | tail -n 1)
    rss=$(sed -n 's/.*rss_kb=\([0-9]*\).*/\1/p' "$OUT/$name.time" | tail -n 1)
    R[$name.wall]=$wall
    R[$name.rss_mb]=$(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }')
    echo "$name: wall ${wall} s, peak RSS ${R[$name.rss_mb]} MB"
}
warm() { cat "$1" >/dev/null; } # every side starts with the file in the page cache

section "machine"
echo "$(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM; $(uname -sr)"
grep -m1 'model name' /proc/cpuinfo || true
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every side)"
echo "working tree: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- crates Cargo.toml Cargo.lock 2>/dev/null || echo ' + uncommitted changes in crates/')"
[[ -x /usr/bin/time ]] || die "needs GNU time (/usr/bin/time; Debian: apt-get install time)"

# ------------------------------------------------------------------------------------
section "input files (bench/import/gen.py)"
gen() { # rows → path
    local f=$OUT/ged_bench_$1.csv
    if [[ ! -s $f || $HERE/gen.py -nt $f ]]; then
        python3 "$HERE/gen.py" "$1" "$f" >&2
    else
        echo "gen: reusing $f" >&2
    fi
    echo "$f"
}
SMALL=$(gen "$ROWS")
ls -la "$SMALL"
BIG=""
if ((BIG_ROWS > 0)); then
    BIG=$(gen "$BIG_ROWS")
    ls -la "$BIG"
fi

# ------------------------------------------------------------------------------------
vigil_ok=""
if [[ -z ${SKIP_VIGIL:-} ]]; then
    build_ok=1
    if [[ -n ${VIGIL_BIN:-} ]]; then
        section "Vigil: using $VIGIL_BIN"
    elif [[ -n ${VIGIL_REV:-} ]]; then
        section "Vigil: cargo build --release -p vigil-cli at $VIGIL_REV (clean clone in bench/out/src)"
        [[ -d $OUT/src/.git ]] || git clone -q --no-checkout "$ROOT" "$OUT/src"
        git -C "$OUT/src" fetch -q "$ROOT" "$VIGIL_REV"
        git -C "$OUT/src" checkout -q --force FETCH_HEAD
        git -C "$OUT/src" log --oneline -1
        [[ ! -f $OUT/src/package-lock.json || -d $OUT/src/node_modules ]] || (cd "$OUT/src" && npm ci --no-audit --no-fund --loglevel=error) || true
        VIGIL=$OUT/src/target/release/vigil
        (cd "$OUT/src" && CARGO_TARGET_DIR=$OUT/src/target cargo build --release --locked -p vigil-cli) || build_ok=""
    else
        section "Vigil: cargo build --release -p vigil-cli (working tree)"
        cargo build --release -p vigil-cli || build_ok=""
    fi
    if [[ -n $build_ok && -x $VIGIL ]] && "$VIGIL" import --help >/dev/null 2>&1; then
        vigil_ok=1
        "$VIGIL" --version 2>/dev/null || true
    else
        echo "Vigil: NOT AVAILABLE (the build failed, or \`vigil import --help\` did not work)"
    fi
fi

vigil_run() { # name rows file
    local name=$1 file=$3 dir=$OUT/$1
    rm -rf "$dir"
    mkdir -p "$dir"
    local db="sqlite://$dir/vigil.db"
    "$VIGIL" boundaries import "$CERCLES" --level 2 --db "$db"
    warm "$file"
    timed "$name" "$VIGIL" import "$file" --db "$db"
    python3 "$HERE/counts.py" sqlite "$dir/vigil.db" >"$OUT/$name.counts"
    R[$name.db_mb]=$(du -m "$dir/vigil.db" | cut -f1)
}

if [[ -n $vigil_ok && -z ${SKIP_VIGIL_SQLITE:-} ]]; then
    section "Vigil: import $ROWS rows (grid + admin2) into SQLite"
    vigil_run vigil_small "$ROWS" "$SMALL"
    section "Vigil: re-import of the unchanged $ROWS rows into SQLite"
    warm "$SMALL"
    timed vigil_small_re "$VIGIL" import "$SMALL" --db "sqlite://$OUT/vigil_small/vigil.db"
fi

# ------------------------------------------------------------------------------------
# SQLite's own floor: typed rows generated in memory (no file, no parsing, no
# geography) and the same three indexes; no SQLite import can be faster than this.
if [[ -z ${SKIP_FLOOR:-} ]]; then
    section "SQLite floor: $ROWS typed rows + the same indexes, no parsing (crates/store/examples/sqlite_floor.rs)"
    if cargo build --release -q -p vigil-store --example sqlite_floor; then
        mkdir -p "$OUT/floor"
        timed floor "$TARGET_DIR/release/examples/sqlite_floor" "$OUT/floor/floor.db" "$ROWS"
        rm -f "$OUT/floor/floor.db"
    fi
fi

# ------------------------------------------------------------------------------------
if [[ -z ${SKIP_PEER:-} ]]; then
    section "Python peer: pandas read_csv + geopandas sjoin + gid + to_sql (SQLite)"
    VENV=$OUT/venv
    if [[ ! -x $VENV/bin/python ]]; then
        python3 -m venv "$VENV"
    fi
    if ! cmp -s "$HERE/requirements.txt" "$VENV/.requirements.txt"; then
        "$VENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements.txt"
        cp "$HERE/requirements.txt" "$VENV/.requirements.txt"
    fi
    "$VENV/bin/python" -c 'import pandas, geopandas, shapely, pyogrio; print("pandas", pandas.__version__, "geopandas", geopandas.__version__, "shapely", shapely.__version__, "pyogrio", pyogrio.__version__)'
    rm -f "$OUT/peer.sqlite"
    warm "$SMALL"
    timed peer "$VENV/bin/python" "$HERE/peer.py" "$SMALL" "$CERCLES" "$OUT/peer.sqlite"
    python3 "$HERE/counts.py" sqlite "$OUT/peer.sqlite" >"$OUT/peer.counts"
fi

# ------------------------------------------------------------------------------------
# PostgreSQL: Vigil's import and the PostGIS peer on one server, the same file, one
# after the other, with the server's durable settings (the test server of
# scripts/pg-start.sh runs with fsync off; a benchmark may not).
pg_ok=""
if [[ -z ${SKIP_POSTGIS:-} || ( -n $vigil_ok && -z ${SKIP_VIGIL_PG:-} ) ]]; then
    section "PostgreSQL server (durable: fsync, synchronous_commit, full_page_writes on)"
    # shellcheck source=scripts/pg-start.sh
    source "$ROOT/scripts/pg-start.sh"
    if [[ -n ${VIGIL_BENCH_POSTGRES:-} ]]; then
        pg_base=$VIGIL_BENCH_POSTGRES
    else
        vigil_pg_start
        trap 'vigil_pg_stop' EXIT
        pg_base=$VIGIL_PG_URL_BASE
    fi
    psql=${VIGIL_PG_BINDIR:+$VIGIL_PG_BINDIR/}psql
    "$psql" "$pg_base/postgres" -X -q -v ON_ERROR_STOP=1 \
        -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
        -c "ALTER SYSTEM SET full_page_writes = on" -c "SELECT pg_reload_conf()" >/dev/null
    sleep 1
    "$psql" "$pg_base/postgres" -X -qAt -c "SELECT version()" \
        -c "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings WHERE name IN
            ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_level', 'shared_buffers', 'work_mem',
             'maintenance_work_mem', 'max_wal_size', 'checkpoint_timeout')"
    pg_ok=1
fi

pg_counts() { # url → admin2 counts on stdout
    "$psql" "$1" -X -qAt -c "SELECT coalesce(admin2, ''), count(*) FROM incidents GROUP BY 1 ORDER BY 1"
}

pg_pair() { # label file: PostGIS, then Vigil (import, re-import) on the same server
    local label=$1 file=$2
    if [[ -z ${SKIP_POSTGIS:-} ]]; then
        warm "$file"
        bash "$HERE/postgis.sh" "$file" "$CERCLES" "$pg_base" vigil_bench 2>&1 | grep -v '^NOTICE' | tee "$OUT/postgis_$label.log"
        R[postgis_$label.wall]=$(sed -n 's/^postgis_seconds=//p' "$OUT/postgis_$label.log")
        pg_counts "$pg_base/vigil_bench" >"$OUT/postgis_$label.counts"
        "$psql" "$pg_base/postgres" -X -q -c "DROP DATABASE vigil_bench"
    fi
    if [[ -n $vigil_ok && -z ${SKIP_VIGIL_PG:-} ]]; then
        local url=$pg_base/vigil_bench_pg
        "$psql" "$pg_base/postgres" -X -q -c "DROP DATABASE IF EXISTS vigil_bench_pg" -c "CREATE DATABASE vigil_bench_pg"
        "$VIGIL" boundaries import "$CERCLES" --level 2 --db "$url"
        warm "$file"
        timed "vigilpg_$label" "$VIGIL" import "$file" --db "$url"
        warm "$file"
        timed "vigilpg_${label}_re" "$VIGIL" import "$file" --db "$url"
        pg_counts "$url" >"$OUT/vigilpg_$label.counts"
        R[vigilpg_$label.db_mb]=$("$psql" "$url" -X -qAt -c "SELECT pg_total_relation_size('incidents') / 1048576")
        "$psql" "$pg_base/postgres" -X -q -c "DROP DATABASE vigil_bench_pg"
    fi
}

if [[ -n $pg_ok ]]; then
    section "PostgreSQL, $ROWS rows: PostGIS (COPY + ANALYZE + UPDATE … ST_Contains, GiST), then Vigil (import, re-import)"
    pg_pair small "$SMALL"
    R[postgis.wall]=${R[postgis_small.wall]:-}
    if [[ -n $BIG && ${PG_BIG:-1} != 0 ]]; then
        section "PostgreSQL, $BIG_ROWS rows: PostGIS, then Vigil (import, re-import)"
        pg_pair big "$BIG"
    fi
fi

# ------------------------------------------------------------------------------------
if [[ -n $vigil_ok && -n $BIG && -z ${SKIP_VIGIL_SQLITE:-} ]]; then
    section "Vigil: import $BIG_ROWS rows into SQLite (memory as the file grows)"
    vigil_run vigil_big "$BIG_ROWS" "$BIG"
fi

# ------------------------------------------------------------------------------------
{
    section "summary"
    echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "rows: $ROWS (small file $(du -m "$SMALL" | cut -f1) MB)${BIG:+, $BIG_ROWS (large file $(du -m "$BIG" | cut -f1) MB)}"
    printf '%-52s %10s %12s %10s\n' "side ($ROWS rows)" "wall s" "peak RSS MB" "vs Vigil"
    v=${R[vigil_small.wall]:-}
    printf '%-52s %10s %12s %10s\n' "Vigil (vigil import, SQLite)" "${v:-n/a}" "${R[vigil_small.rss_mb]:-n/a}" "1.0×"
    printf '%-52s %10s %12s %10s\n' "Python peer (pandas+geopandas, SQLite)" "${R[peer.wall]:-n/a}" "${R[peer.rss_mb]:-n/a}" "$(fmt_ratio "${R[peer.wall]:-}" "$v")"
    printf '%-52s %10s %12s %10s\n' "Vigil re-import, unchanged (SQLite)" "${R[vigil_small_re.wall]:-n/a}" "${R[vigil_small_re.rss_mb]:-n/a}" "$(fmt_ratio "${R[vigil_small_re.wall]:-}" "$v")"
    printf '%-52s %10s %12s %10s\n' "PostGIS (COPY, ST_Contains + GiST; durable server)" "${R[postgis.wall]:-n/a}" "-" "$(fmt_ratio "${R[postgis.wall]:-}" "$v")"
    printf '%-52s %10s %12s %10s\n' "SQLite floor (typed rows + indexes, no parsing)" "${R[floor.wall]:-n/a}" "${R[floor.rss_mb]:-n/a}" "$(fmt_ratio "${R[floor.wall]:-}" "$v")"
    echo "goal: peer/Vigil >= 20×, PostGIS/Vigil >= 15×"
    if [[ -n ${R[floor.wall]:-} ]]; then
        echo "ceiling for any SQLite import on this machine: peer/floor $(fmt_ratio "${R[peer.wall]:-}" "${R[floor.wall]}"), PostGIS/floor $(fmt_ratio "${R[postgis.wall]:-}" "${R[floor.wall]}")"
    fi
    if [[ -n ${R[vigil_big.wall]:-} ]]; then
        echo
        printf '%-52s %10s %12s\n' "Vigil alone" "wall s" "peak RSS MB"
        printf '%-52s %10s %12s\n' "$ROWS rows" "$v" "${R[vigil_small.rss_mb]}"
        printf '%-52s %10s %12s\n' "$BIG_ROWS rows" "${R[vigil_big.wall]}" "${R[vigil_big.rss_mb]}"
        echo "Vigil SQLite file: ${R[vigil_small.db_mb]} MB ($ROWS rows), ${R[vigil_big.db_mb]} MB ($BIG_ROWS rows)"
    fi
    for label in small big; do
        [[ -n ${R[vigilpg_$label.wall]:-}${R[postgis_$label.wall]:-} ]] || continue
        n=$ROWS
        [[ $label == big ]] && n=$BIG_ROWS
        echo
        printf '%-52s %10s %12s %10s\n' "PostgreSQL, $n rows (one durable server)" "wall s" "peak RSS MB" "vs PostGIS"
        p=${R[postgis_$label.wall]:-}
        printf '%-52s %10s %12s %10s\n' "PostGIS peer (COPY, ST_Contains + GiST; psql)" "${p:-n/a}" "-" "1.0×"
        printf '%-52s %10s %12s %10s\n' "Vigil import (COPY staging + set-based merge)" "${R[vigilpg_$label.wall]:-n/a}" "${R[vigilpg_$label.rss_mb]:-n/a}" "$(fmt_ratio "${R[vigilpg_$label.wall]:-}" "$p")"
        printf '%-52s %10s %12s %10s\n' "Vigil re-import, unchanged" "${R[vigilpg_${label}_re.wall]:-n/a}" "${R[vigilpg_${label}_re.rss_mb]:-n/a}" "$(fmt_ratio "${R[vigilpg_${label}_re.wall]:-}" "$p")"
        [[ -n ${R[vigilpg_$label.db_mb]:-} ]] && echo "Vigil incidents table with its indexes: ${R[vigilpg_$label.db_mb]} MB"
    done
    flat=""
    [[ -n $BIG ]] && flat="; peak RSS of Vigil flat from $ROWS to $BIG_ROWS rows"
    echo "goal (PostgreSQL): Vigil/PostGIS <= 1.0× at $ROWS rows$flat"
    echo
    echo "admin2 assignment, $ROWS rows (where_prec >= 4 gets none on every side):"
    specs=()
    for s in vigil_small:Vigil peer:peer postgis_small:PostGIS vigilpg_small:Vigil-PG; do
        [[ -s $OUT/${s%%:*}.counts ]] && specs+=("${s#*:}=$OUT/${s%%:*}.counts")
    done
    if ((${#specs[@]})); then
        python3 "$HERE/counts.py" compare "${specs[@]}" || true
    fi
    if [[ -s $OUT/vigil_big.counts ]]; then
        python3 "$HERE/counts.py" compare "Vigil-$BIG_ROWS=$OUT/vigil_big.counts" | sed -n 1,3p
    fi
    specs=()
    for s in postgis_big:PostGIS-$BIG_ROWS vigilpg_big:Vigil-PG-$BIG_ROWS; do
        [[ -s $OUT/${s%%:*}.counts ]] && specs+=("${s#*:}=$OUT/${s%%:*}.counts")
    done
    if ((${#specs[@]})); then
        echo
        python3 "$HERE/counts.py" compare "${specs[@]}" || true
    fi
} | tee "$OUT/summary.txt"

if [[ -z ${SKIP_VIGIL:-} && -z $vigil_ok ]]; then
    echo "run.sh: Vigil was not available; only the other sides ran" >&2
    exit 2
fi
