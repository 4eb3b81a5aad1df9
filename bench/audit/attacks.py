#!/usr/bin/env python3
"""The five audit-log rewrites of issue 13, run against a `vigil` binary.

Someone who can write to the SQLite file but does not hold the audit key rewrites
the log, re-chaining with the SHA-256 chain the code publishes (all they can do
without the key), and `vigil audit verify` is asked whether it notices. Where the
binary has `vigil audit checkpoint`, a checkpoint is taken before the last two
entries, as an operator would. Prints one line per attack, what `vigil audit verify` said, and the count caught
(of the five; a sixth, a swap of two entries, shows which entries verify names).

    python3 bench/audit/attacks.py target/debug/vigil
"""
import hashlib, json, os, shutil, sqlite3, subprocess, sys, tempfile

GENESIS = "0" * 64


def sha_chain(prev, at, actor, action, entity, before, after):
    text = json.dumps([prev, at, actor, action, entity, before, after], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def run(vigil, cwd, *args):
    return subprocess.run([vigil, "--db", "sqlite://v.db", *args], cwd=cwd, capture_output=True, text=True)


def rechain_from(c, start):
    rows = c.execute("SELECT seq, at, actor, action, entity, before_json, after_json FROM audit_log ORDER BY seq").fetchall()
    prev = c.execute("SELECT hash FROM audit_log WHERE seq = ?", (start - 1,)).fetchone()
    prev = prev[0] if prev else GENESIS
    for r in rows:
        if r[0] < start:
            continue
        h = sha_chain(prev, *r[1:])
        c.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, r[0]))
        prev = h
    last = rows[-1][0] if rows else 0
    c.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (last, prev))


def a_truncate(c):
    c.execute("DELETE FROM audit_log WHERE seq > 3")
    c.execute("UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_log WHERE seq = 3)")


def b_edit_rehash(c):
    c.execute("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2")
    rechain_from(c, 2)


def c_delete_renumber(c):
    c.execute("DELETE FROM audit_log WHERE seq = 2")
    for (seq,) in c.execute("SELECT seq FROM audit_log WHERE seq > 2 ORDER BY seq").fetchall():
        c.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (seq - 1, seq))
    rechain_from(c, 2)


def d_wipe(c):
    c.execute("DELETE FROM audit_log")
    c.execute("UPDATE audit_head SET seq = 0, hash = ? WHERE id = 1", (GENESIS,))


def e_append(c):
    seq, prev = c.execute("SELECT seq, hash FROM audit_head").fetchone()
    at, after = "2030-01-01T00:00:00.000Z", '{"name":"intruder","role":"admin"}'
    h = sha_chain(prev, at, "cli", "create", "user/99", None, after)
    c.execute(
        "INSERT INTO audit_log (seq, at, actor, action, entity, before_json, after_json, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)",
        (seq + 1, at, "cli", "create", "user/99", None, after, prev, h),
    )
    c.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (seq + 1, h))


def f_swap(c):
    # not one of the five: two entries swap places (no re-hash); the report should name seq 2 and 3
    r2 = c.execute("SELECT at, actor, action, entity, before_json, after_json, prev_hash, hash FROM audit_log WHERE seq = 2").fetchone()
    r3 = c.execute("SELECT at, actor, action, entity, before_json, after_json, prev_hash, hash FROM audit_log WHERE seq = 3").fetchone()
    cols = "at = ?, actor = ?, action = ?, entity = ?, before_json = ?, after_json = ?, prev_hash = ?, hash = ?"
    c.execute(f"UPDATE audit_log SET {cols} WHERE seq = 2", (*r3,))
    c.execute(f"UPDATE audit_log SET {cols} WHERE seq = 3", (*r2,))


ATTACKS = [
    ("a truncate the tail, fix the head", a_truncate),
    ("b edit an entry, re-hash to the end", b_edit_rehash),
    ("c delete, renumber, re-hash", c_delete_renumber),
    ("d wipe everything, reset the head", d_wipe),
    ("e append a forged entry", e_append),
    ("(extra) f swap entries 2 and 3", f_swap),
    ("(extra) a, no checkpoint file kept", a_truncate),
    ("(extra) d, no checkpoint file kept", d_wipe),
]


def main():
    vigil = os.path.abspath(sys.argv[1])
    base = tempfile.mkdtemp(prefix="vigil-attacks-")
    pristine = os.path.join(base, "pristine")
    os.mkdir(pristine)
    env_ok = lambda p: p.returncode == 0 or sys.exit(f"setup failed: {p.stderr}")
    for i in range(4):
        env_ok(run(vigil, pristine, "user", "add", f"user{i}", "--role", "analyst", "--password", "long-enough-pw"))
    has_checkpoint = run(vigil, pristine, "audit", "checkpoint").returncode == 0
    for i in range(4, 6):
        env_ok(run(vigil, pristine, "user", "add", f"user{i}", "--role", "analyst", "--password", "long-enough-pw"))
    env_ok(run(vigil, pristine, "audit", "verify"))
    caught = 0
    for name, attack in ATTACKS:
        work = os.path.join(base, str(ATTACKS.index((name, attack))))
        shutil.copytree(pristine, work)
        if "no checkpoint" in name and os.path.exists(os.path.join(work, "vigil-audit-checkpoints.jsonl")):
            os.remove(os.path.join(work, "vigil-audit-checkpoints.jsonl"))
        c = sqlite3.connect(os.path.join(work, "v.db"))
        attack(c)
        c.commit()
        c.close()
        p = run(vigil, work, "audit", "verify")
        hit = p.returncode != 0
        if not name.startswith("("):
            caught += hit
        print(f"{name:<40} {'CAUGHT' if hit else 'missed'}  (exit {p.returncode})")
        for line in (p.stdout + p.stderr).strip().splitlines()[:6]:
            print(f"    | {line[:160]}")
        print(f"FIG\taudit {name}\t{'CAUGHT' if hit else 'missed'}", flush=True)
    print(f"caught {caught} of 5 (checkpoint taken: {'yes' if has_checkpoint else 'no, this binary has none'})")
    print(f"FIG\taudit: caught of the five\t{caught} of 5")
    shutil.rmtree(base)


main()
