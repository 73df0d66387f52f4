#!/usr/bin/env python3
"""Batches that span owners against batches forwarded to one owner, side by side (issue 16).

Starts two owning members and one --route-only member of one cluster (no log key: the ledger
and routing only), creates ACCOUNTS accounts, gives each PRELOAD content events, then sends
through the route-only member, alternating in rounds of ROUND batches, batches of SIZE events
that name one account (forwarded whole to its owner) and batches of SIZE events that name two
accounts of different owners (validated and appended by the route-only member itself, which
first loads both accounts' events). Prints wall time per batch and the CPU-seconds of all three
member processes per batch (utime + stime from /proc), per kind, and their ratio.

usage: spanning-batches.py JDBC_URL [ROUNDS] [ROUND] [SIZE] [ACCOUNTS] [PRELOAD]
Run from the worktree root after `mvn -B -q -o package -DskipTests`.
"""
import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid

URL = sys.argv[1]
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 4
ROUND = int(sys.argv[3]) if len(sys.argv) > 3 else 25
SIZE = int(sys.argv[4]) if len(sys.argv) > 4 else 100
ACCOUNTS = int(sys.argv[5]) if len(sys.argv) > 5 else 20
PRELOAD = int(sys.argv[6]) if len(sys.argv) > 6 else 2000
SCHEMA = "spanbatch_bench_" + uuid.uuid4().hex[:8]
TICK = os.sysconf("SC_CLK_TCK")
base = "/tmp/" + SCHEMA


def start(name, *extra):
    out = open(f"{base}/{name}.out", "w")
    p = subprocess.Popen(["./covenant", "serve", "--db", URL, "--db-schema", SCHEMA, "--data",
                          f"{base}/{name}", "--port", "0", *extra],
                         stdout=out, stderr=subprocess.STDOUT)
    return p


def await_line(name, prefix, timeout=180):
    end = time.time() + timeout
    while time.time() < end:
        with open(f"{base}/{name}.out") as f:
            for line in f:
                if line.startswith(prefix):
                    return line.rstrip("\n")
        time.sleep(0.2)
    raise SystemExit(f"{name} did not print {prefix!r}")


def cpu(pids):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / TICK


def call(url, token, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method, headers={
        "Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".%06dZ" % (
        int(time.time() * 1e6) % 1000000)


seq = [0]


def content(account):
    seq[0] += 1
    return {"type": "content.created", "at": now(), "content": f"{account}:x{seq[0]}",
            "category": "customer_content.chat", "account": account,
            "idempotency_key": f"k{seq[0]}"}


os.makedirs(base)
procs = [start("a")]
operator = await_line("a", "  operator    ").split()[1]
procs.append(start("b"))
procs.append(start("r", "--route-only"))
for n in ("a", "b", "r"):
    await_line(n, "  stop")
r_url = await_line("r", "covenant: serving").split()[-1]
try:
    pids = [p.pid for p in procs]
    while call(r_url, operator, "GET", "/v1/cluster")["sharding"]["owners"] != 2:
        time.sleep(0.2)
    accounts = [f"s{i}" for i in range(ACCOUNTS)]
    call(r_url, operator, "POST", "/v1/events", {"events": [
        {"type": "account.created", "at": now(), "account": a, "owner": "o-" + a}
        for a in accounts]})
    time.sleep(1)
    owner = {a: call(r_url, operator, "GET", "/v1/cluster?account=" + a)["owner"]["member"]
             for a in accounts}
    by_owner = {}
    for a in accounts:
        by_owner.setdefault(owner[a], []).append(a)
    assert len(by_owner) == 2, by_owner
    left, right = by_owner.values()
    for a in accounts:
        for _ in range(0, PRELOAD, 1000):
            call(r_url, operator, "POST", "/v1/events",
                 {"events": [content(a) for _ in range(min(1000, PRELOAD))]})
    stats = {"one owner (forwarded)": [0.0, 0.0, 0], "two owners (spanning)": [0.0, 0.0, 0]}
    i = 0
    for rnd in range(ROUNDS):
        for kind in stats:
            c0, t0 = cpu(pids), time.time()
            for _ in range(ROUND):
                i += 1
                if kind.startswith("one"):
                    a = accounts[i % ACCOUNTS]
                    events = [content(a) for _ in range(SIZE)]
                else:
                    x, y = left[i % len(left)], right[i % len(right)]
                    events = [content(x if j % 2 == 0 else y) for j in range(SIZE)]
                res = call(r_url, operator, "POST", "/v1/events", {"events": events})
                assert res["accepted"] == SIZE, res
            stats[kind][0] += time.time() - t0
            stats[kind][1] += cpu(pids) - c0
            stats[kind][2] += ROUND
    print(f"schema {SCHEMA}: {ACCOUNTS} accounts, {PRELOAD} events each before, "
          f"+{ROUNDS * ROUND * SIZE * 2 // ACCOUNTS} each during; batches of {SIZE}, "
          f"{ROUNDS} alternating rounds of {ROUND}; load {os.getloadavg()}")
    per = {}
    for kind, (wall, cpus, n) in stats.items():
        per[kind] = cpus / n
        print(f"{kind}: {n} batches, wall {1000 * wall / n:.1f} ms/batch, "
              f"CPU (3 members) {1000 * cpus / n:.1f} ms/batch")
    a, b = per.values()
    print(f"spanning / forwarded CPU ratio: {b / a:.2f}")
finally:
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(30)
    subprocess.run(["psql", URL.replace("jdbc:", "", 1), "-qc",
                    f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"], check=False)
    subprocess.run(["rm", "-rf", base], check=False)
