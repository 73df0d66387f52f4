# dec.py PORT TOKEN SCHEMA N: decisions through one member (single client thread, keep-alive)
import http.client, json, subprocess, sys, time, random, resource
port, token, schema, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
rows = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-Atc",
    f"select body->>'content' from {schema}.ledger_event where type='content.created' "
    f"and position % 97 = 0 limit {n}"], capture_output=True, text=True).stdout.split()
random.seed(7); random.shuffle(rows)
c = http.client.HTTPConnection("127.0.0.1", port)
lat = {"local": [], "forwarded": []}; codes = {}
t0 = time.time()
for cid in rows:
    body = json.dumps({"purpose": "ai.training", "content": cid})
    s = time.perf_counter()
    c.request("POST", "/v1/decisions", body, {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    r = c.getresponse(); r.read()
    e = time.perf_counter() - s
    codes[r.status] = codes.get(r.status, 0) + 1
    lat["forwarded" if r.getheader("Covenant-Served-By") else "local"].append(e * 1e6)
wall = time.time() - t0
out = {"requests": len(rows), "wall_s": round(wall, 2), "codes": codes}
for k, v in lat.items():
    v.sort()
    if v:
        out[k] = {"n": len(v), "p50_us": round(v[len(v)//2]), "p99_us": round(v[int(len(v)*0.99)])}
print(json.dumps(out))
