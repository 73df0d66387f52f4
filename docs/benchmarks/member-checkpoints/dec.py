# dec.py PORT TOKEN CONTENTFILE N PIDS: N decisions (POST /v1/decisions, one client thread,
# keep-alive) through the member on PORT about the contents listed in CONTENTFILE (one id a line,
# cycled); CPU of the member processes PIDS (comma-separated) per decision, and the client's.
import http.client, json, sys, time, resource
port, token, f, n, pids = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5].split(",")
ids = open(f).read().split()
def cpu(): return sum(sum(int(x) for x in open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[11:13]) for p in pids) / 100
c = http.client.HTTPConnection("127.0.0.1", port)
lat = {"local": [], "forwarded": []}; codes = {}
c0 = cpu(); k0 = time.process_time(); t0 = time.time()
for i in range(n):
    body = json.dumps({"purpose": "ai.training", "content": ids[i % len(ids)]})
    s = time.perf_counter()
    c.request("POST", "/v1/decisions", body, {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    r = c.getresponse(); b = r.read()
    e = time.perf_counter() - s
    k = str(r.status) + ("/store_unavailable" if b"store_unavailable" in b else "")
    codes[k] = codes.get(k, 0) + 1
    lat["forwarded" if r.getheader("Covenant-Served-By") else "local"].append(e * 1e6)
wall = time.time() - t0; mcpu = cpu() - c0; kcpu = time.process_time() - k0
out = {"port": port, "requests": n, "wall_s": round(wall, 2), "per_s": round(n / wall), "codes": codes,
       "members_cpu_us_per_decision": round(mcpu / n * 1e6), "client_cpu_us_per_decision": round(kcpu / n * 1e6)}
for k, v in lat.items():
    v.sort()
    if v:
        out[k] = {"n": len(v), "p50_us": round(v[len(v)//2]), "p99_us": round(v[int(len(v)*0.99)])}
print(json.dumps(out))
