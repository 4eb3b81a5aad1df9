#!/usr/bin/env python3
"""Login race and login memory against a real `vigil serve` on loopback.

Starts `vigil serve` on a fresh SQLite file in a temporary folder, then:
  race:   80 parallel wrong passwords for one account; how many were checked (401)
          and how many refused unchecked (429);
  memory: 300 parallel logins with unknown user names; the server's resident memory
          (VmRSS) before and its peak during, sampled every 20 ms.
Bounded (380 requests), stops the server and removes the folder when done.

    python3 bench/logins/load.py target/debug/vigil
"""
import http.client, json, os, re, shutil, subprocess, sys, tempfile, threading, time

vigil = os.path.abspath(sys.argv[1])
work = tempfile.mkdtemp(prefix="vigil-logins-")
db = "sqlite://" + os.path.join(work, "v.db")
subprocess.run([vigil, "--db", db, "user", "add", "analyst", "--role", "analyst", "--password", "analyst-password"],
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


def login(user, password, out, i):
    try:
        c = http.client.HTTPConnection(host, int(port), timeout=300)
        c.request("POST", "/api/login", json.dumps({"username": user, "password": password}),
                  {"Content-Type": "application/json"})
        out[i] = c.getresponse().status
        c.close()
    except Exception as e:  # a refused or reset connection counts as such
        out[i] = type(e).__name__


def burst(n, user_of):
    out = [None] * n
    ts = [threading.Thread(target=login, args=(user_of(i), f"guess-{i}", out, i)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def rss_kb():
    with open(f"/proc/{srv.pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


try:
    time.sleep(1)
    codes = burst(80, lambda i: "analyst")
    print(f"race: 80 parallel wrong guesses: {codes.count(401)} passwords checked (401), "
          f"{codes.count(429)} refused unchecked (429), other {80 - codes.count(401) - codes.count(429)}")
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
    codes = burst(300, lambda i: f"unknown-user-{i}")
    stop.set()
    s.join()
    summary = {c: codes.count(c) for c in set(codes)}
    print(f"memory: 300 parallel unknown-user logins in {time.time() - t0:.1f} s: RSS {before / 1024:.0f} MB before, "
          f"peak {peak[0] / 1024:.0f} MB during, {rss_kb() / 1024:.0f} MB after; answers {summary}")
finally:
    srv.terminate()
    srv.wait()
    shutil.rmtree(work)
