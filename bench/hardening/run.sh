#!/usr/bin/env bash
# Before/after figures of issue 13 (hardening): login race, lockout, unknown names,
# login memory, the 200 MB single-line import, and the five audit-log attacks.
#
#   bench/hardening/run.sh BEFORE_VIGIL AFTER_VIGIL > bench/hardening/RESULTS.md
#
# Both binaries are release builds (`cargo build --release --locked -p vigil-cli`).
# Runs the two binaries one after the other in the same sitting and prints Markdown:
# the machine's load, a side-by-side table of the figures, and each run's raw output.
# Needs python3 and /usr/bin/time; writes only under a temporary folder (~200 MB).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bench=$(dirname "$here")
before=$(realpath "$1")
after=$(realpath "$2")
tmp=$(mktemp -d /tmp/vigil-hardening.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The 200 MB single-line files, no newline at all: a header of 21 million short
# columns, and a header of one 200 MB column.
python3 - "$tmp/one-line.csv" "$tmp/one-field.csv" <<'EOF'
import sys
for path, chunk in [(sys.argv[1], "event_id_cnty,year," * 1000), (sys.argv[2], "x" * 19000)]:
    with open(path, "w") as f:
        for _ in range(200 * 1000 * 1000 // len(chunk)):
            f.write(chunk)
EOF

import_run() { # binary label file
    local d="$tmp/import-$2" f="$3"
    mkdir -p "$d"
    ( cd "$d" && /usr/bin/time -o time.txt -f '%e s %M KB' "$1" --db sqlite://i.db import "$tmp/$f" >out.txt 2>err.txt ) || true
    local t kb bytes
    t=$(cut -d' ' -f1 "$d/time.txt" | tail -1)
    kb=$(tail -1 "$d/time.txt" | cut -d' ' -f3)
    bytes=$(($(wc -c <"$d/err.txt") + $(wc -c <"$d/out.txt")))
    echo "import $f: $(ls -l "$tmp/$f" | awk '{print $5}') byte single-line file: $(tail -1 "$d/time.txt"), message $bytes bytes: $(head -c 300 "$d/err.txt" | tr '\n' ' ')"
    printf 'FIG\timport 200 MB %s: peak RSS\t%s MB\n' "$f" $((kb / 1024))
    printf 'FIG\timport 200 MB %s: wall time\t%s s\n' "$f" "$t"
    printf 'FIG\timport 200 MB %s: error message size\t%s bytes\n' "$f" "$bytes"
    rm -rf "$d"
}

one() { # binary label
    python3 "$bench/logins/load.py" "$1"
    python3 "$bench/audit/attacks.py" "$1"
    import_run "$1" "$2" one-line.csv
    import_run "$1" "$2" one-field.csv
}

echo "# Issue 13 hardening: before/after figures"
echo
echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -n) ($(nproc) cores, shared with other sessions)."
echo
echo "- before: \`$before\` ($(git -C "$bench/.." log -1 --format=%h 4874247 2>/dev/null || echo 4874247), main at the start of the hardening work)"
echo "- after: \`$after\` (branch $(git -C "$bench/.." rev-parse --abbrev-ref HEAD) at $(git -C "$bench/.." log -1 --format=%h))"
echo "- command: \`bench/hardening/run.sh $1 $2\`"
echo "- load before the runs: \`$(uptime)\`"
echo
one "$before" before >"$tmp/before.txt" 2>&1
echo "- load between the runs: \`$(uptime)\`"
one "$after" after >"$tmp/after.txt" 2>&1
echo "- load after the runs: \`$(uptime)\`"
echo
echo "| figure | before | after |"
echo "|---|---|---|"
python3 - "$tmp/before.txt" "$tmp/after.txt" <<'EOF'
import sys
def figs(p):
    d = {}
    for line in open(p):
        if line.startswith("FIG\t"):
            _, k, v = line.rstrip("\n").split("\t", 2)
            d[k] = v
    return d
b, a = figs(sys.argv[1]), figs(sys.argv[2])
for k in list(dict.fromkeys([*b, *a])):
    print(f"| {k} | {b.get(k, '(none)')} | {a.get(k, '(none)')} |")
EOF
for w in before after; do
    echo
    echo "## Raw output, $w"
    echo
    echo '```'
    grep -v '^FIG' "$tmp/$w.txt"
    echo '```'
done
