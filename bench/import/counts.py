#!/usr/bin/env python3
"""Admin2 counts of one benchmark side, and a comparison of several sides.

    counts.py sqlite DB.sqlite > side.counts      # SELECT admin2, count(*) … GROUP BY
    counts.py compare NAME=side.counts …           # table of totals and differences

A .counts file has one `code|n` line per admin2 code (empty code = not assigned), as
`psql -At` prints it. Exits 1 when the sides disagree on any code.
"""
import sqlite3
import sys


def from_sqlite(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    for code, n in con.execute(
        "SELECT coalesce(admin2, ''), count(*) FROM incidents GROUP BY 1 ORDER BY 1"
    ):
        print(f"{code}|{n}")


def read(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                code, n = line.rsplit("|", 1)
                out[code] = out.get(code, 0) + int(n)
    return out


def compare(specs):
    sides = []
    for s in specs:
        name, path = s.split("=", 1)
        sides.append((name, read(path)))
    names = [n for n, _ in sides]
    print(f"{'':24}" + "".join(f"{n:>12}" for n in names))
    for label, fn in [
        ("rows", lambda c: sum(c.values())),
        ("admin2 assigned", lambda c: sum(v for k, v in c.items() if k)),
        ("admin2 codes used", lambda c: sum(1 for k in c if k)),
    ]:
        print(f"{label:24}" + "".join(f"{fn(c):>12,}" for _, c in sides))
    codes = sorted(set().union(*[c.keys() for _, c in sides]))
    diff = [k for k in codes if len({c.get(k, 0) for _, c in sides}) > 1]
    if not diff:
        print("per-code counts: identical on every side")
        return 0
    print(f"per-code counts differ for {len(diff)} code(s):")
    for k in diff[:20]:
        print(f"  {k or '(none)':22}" + "".join(f"{c.get(k, 0):>12,}" for _, c in sides))
    return 1


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "sqlite":
        from_sqlite(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2:]))
    else:
        sys.exit(__doc__)
