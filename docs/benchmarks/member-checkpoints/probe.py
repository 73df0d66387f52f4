# probe.py PORT TOKEN CONTENTFILE STOPFILE [PAUSE_S]: decisions about the contents of CONTENTFILE
# (cycled, one client thread, PAUSE_S apart, default 0.02 s, so that the probe's own load is small) through the member on PORT until STOPFILE exists; then prints what a client
# saw while the accounts moved: answers by status (and deny store_unavailable), latency p50 /
# max, and the window from the first to the last answer that was not an ordinary one (a
# store_unavailable denial, a 5xx, or slower than 500 ms: a request that waited for the move).
import http.client, json, sys, time, os
port, token, f, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
pause = float(sys.argv[5]) if len(sys.argv) > 5 else 0.02
ids = open(f).read().split()
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
seen = []; codes = {}; i = 0
while not os.path.exists(stop):
    body = json.dumps({"purpose": "ai.training", "content": ids[i % len(ids)]}); i += 1
    s = time.time()
    try:
        c.request("POST", "/v1/decisions", body, {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        r = c.getresponse(); b = r.read(); st = r.status
    except Exception as ex:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30); b = b""; st = "error"
    e = time.time() - s
    k = str(st) + ("/store_unavailable" if b"store_unavailable" in b else "") + ("/ownership_moving" if b"ownership_moving" in b else "")
    codes[k] = codes.get(k, 0) + 1
    seen.append((s, e, k != "200" or e > 0.5, k))
    time.sleep(pause)
lat = sorted(x[1] for x in seen)
odd = [x for x in seen if x[2]]
out = {"requests": len(seen), "codes": codes, "p50_ms": round(lat[len(lat)//2] * 1e3, 1) if lat else None,
       "max_ms": round(lat[-1] * 1e3, 1) if lat else None,
       "not_ordinary": len(odd), "slow_over_500ms": sum(1 for x in seen if x[1] > 0.5),
       "over_2s": sum(1 for x in seen if x[1] > 2.0),
       "window_s": round(odd[-1][0] + odd[-1][1] - odd[0][0], 2) if odd else 0}
print(json.dumps(out))
