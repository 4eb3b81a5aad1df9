#!/usr/bin/env python3
"""Logins of issue 13 against a real `vigil serve` on loopback.

Starts `vigil serve` on a fresh SQLite file in a temporary folder, then:
  memory:  first, on the fresh server: 300 parallel logins with unknown user names,
           each from its own loopback address (127.0.1.x and 127.0.4.x, so that a
           per-address throttle does not hide the hashing); the server's resident
           memory (VmRSS) before, and its peak during, sampled every 20 ms;
  race:    80 parallel wrong passwords for one account from one address, in three
           rounds on three accounts; how many passwords were checked (401) and how
           many refused unchecked (429);
  spread:  80 parallel wrong passwords for another account, each from its own
           loopback address (127.0.2.x); how many were checked;
  lockout: 5 wrong passwords for an account from 127.0.0.1, then the right password
           for that account from the same address, for a colleague's account from
           the same address, and for that account from another address;
  names:   200 distinct unknown user names from one address, one after the other;
           how many were checked (401) or throttled (429), how many audit entries
           were added, and whether any typed name is stored in the audit log.
Bounded (~830 requests), stops the server and removes the folder when done.
Lines starting with "FIG" are the figures bench/hardening/run.sh tabulates.

    python3 bench/logins/load.py target/release/vigil
"""
import http.client, json, os, re, shutil, sqlite3, subprocess, sys, tempfile, threading, time

vigil = os.path.abspath(sys.argv[1])
work = tempfile.mkdtemp(prefix="vigil-logins-")
dbfile = os.path.join(work, "v.db")
db = "sqlite://" + dbfile
PW = "right-password-1"
for name, role in [("analyst", "analyst"), ("analyst2", "analyst"), ("analyst3", "analyst"), ("spread", "analyst"), ("lock1", "analyst"), ("colleague", "planner")]:
    subprocess.run([vigil, "--db", db, "user", "add", name, "--role", role, "--password", PW],
                   cwd=work, check=True, capture_output=True)
srv = subprocess.Popen([vigil, "--db", db, "serve", "--addr", "127.0.0.1:0"], cwd=work,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
addr = None
for line in srv.stdout:
    m = re.search(r"http://([0-9.]+:[0-9]+)/", line)
    if m:
        addr = m.group(1)
        break
threading.Thread(target=lambda: [None for _ in srv.stdout], daemon=True).start()
host, port = addr.split(":")


def fig(key, value):
    print(f"FIG\t{key}\t{value}", flush=True)


def login(user, password, out, i, source="127.0.0.1"):
    try:
        c = http.client.HTTPConnection(host, int(port), timeout=300, source_address=(source, 0))
        c.request("POST", "/api/login", json.dumps({"username": user, "password": password}),
                  {"Content-Type": "application/json"})
        out[i] = c.getresponse().status
        c.close()
    except Exception as e:  # a refused or reset connection counts as such
        out[i] = type(e).__name__


def one(user, password, source="127.0.0.1"):
    out = [None]
    login(user, password, out, 0, source)
    return out[0]


def burst(n, user_of, source_of=lambda i: "127.0.0.1"):
    out = [None] * n
    ts = [threading.Thread(target=login, args=(user_of(i), f"guess-{i}", out, i, source_of(i))) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def rss_kb():
    with open(f"/proc/{srv.pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def audit_rows():
    c = sqlite3.connect(f"file:{dbfile}?mode=ro", uri=True)
    try:
        return c.execute("SELECT actor, entity, coalesce(before_json,''), coalesce(after_json,'') FROM audit_log").fetchall()
    finally:
        c.close()


try:
    time.sleep(1)
    # memory
    before = rss_kb()
    peak = [before]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_kb())
            time.sleep(0.02)

    s = threading.Thread(target=sample)
    s.start()
    t0 = time.time()
    codes = burst(300, lambda i: f"unknown-user-{i}", lambda i: f"127.0.1.{i % 250 + 1}" if i < 250 else f"127.0.4.{i - 249}")
    took = time.time() - t0
    stop.set()
    s.join()
    summary = {c: codes.count(c) for c in set(codes)}
    print(f"memory: 300 parallel unknown-user logins from 300 addresses in {took:.1f} s: RSS {before / 1024:.0f} MB "
          f"before, peak {peak[0] / 1024:.0f} MB during, {rss_kb() / 1024:.0f} MB after; answers {summary}")
    fig("memory: 300 parallel unknown-user logins, RSS before -> peak", f"{before / 1024:.0f} MB -> {peak[0] / 1024:.0f} MB")
    fig("memory: wall time, answers", f"{took:.1f} s, {summary}")
    # race
    rounds = []
    for account in ["analyst", "analyst2", "analyst3"]:  # three rounds: the race's outcome varies with timing
        codes = burst(80, lambda i: account)
        checked, refused = codes.count(401), codes.count(429)
        rounds.append(checked)
        print(f"race ({account}): 80 parallel wrong guesses, one account, one address: {checked} passwords checked "
              f"(401), {refused} refused unchecked (429), other {80 - checked - refused}")
    fig("race: passwords checked of 80 (limit 5), three rounds", ", ".join(map(str, rounds)))
    # spread
    codes = burst(80, lambda i: "spread", lambda i: f"127.0.2.{i + 1}")
    print(f"spread: 80 parallel wrong guesses, one account, 80 addresses: {codes.count(401)} checked, "
          f"{codes.count(429)} refused unchecked")
    fig("spread: passwords checked of 80 from 80 addresses", codes.count(401))
    # lockout
    wrong = [one("lock1", f"wrong-{i}") for i in range(5)]
    same = one("lock1", PW)
    colleague = one("colleague", PW)
    elsewhere = one("lock1", PW, "127.0.3.1")
    print(f"lockout: 5 wrong for lock1 from 127.0.0.1 -> {wrong}; then the right password: lock1 from the same "
          f"address -> {same}, colleague from the same address -> {colleague}, lock1 from 127.0.3.1 -> {elsewhere}")
    fig("lockout: right pw, same account, same address", same)
    fig("lockout: right pw, colleague, same address", colleague)
    fig("lockout: right pw, same account, other address", elsewhere)
    # names
    n0 = len(audit_rows())
    names = [f"Secret-Pass-{i:03}" for i in range(200)]
    codes = [one(n, "x") for n in names]
    rows = audit_rows()
    text = json.dumps(rows[n0:])
    verbatim = sum(1 for n in names if n in text)
    print(f"names: 200 unknown names from 127.0.0.1: {codes.count(401)} checked (401), {codes.count(429)} "
          f"throttled (429); {len(rows) - n0} audit entries added; {verbatim} typed names stored verbatim; "
          f"e.g. {rows[-1] if len(rows) > n0 else None}")
    fig("names: 200 unknown names, checked / throttled", f"{codes.count(401)} / {codes.count(429)}")
    fig("names: audit entries added", len(rows) - n0)
    fig("names: typed names stored verbatim in the log", verbatim)
finally:
    srv.terminate()
    srv.wait()
    shutil.rmtree(work)
