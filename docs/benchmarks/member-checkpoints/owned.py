# owned.py PORT TOKEN SCHEMA ACCOUNTS: prints "member content" lines: one content item for each of
# ACCOUNTS accounts sampled from the ledger, with the member that owns the account now
# (GET /v1/cluster?account=). dec.py and probe.py pick their contents from it.
import http.client, json, subprocess, sys, random
port, token, schema, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-Atc"]
accts = subprocess.run(psql + [f"select account from {schema}.ledger_event where type='account.created'"],
    capture_output=True, text=True).stdout.split()
random.seed(11); accts = random.sample(accts, min(n, len(accts)))
rows = subprocess.run(psql + [f"select distinct on (account) account, body->>'content' from {schema}.ledger_event "
    f"where type='content.created' and account in ({','.join(repr(a) for a in accts)}) order by account, position"],
    capture_output=True, text=True).stdout.split()
c = http.client.HTTPConnection("127.0.0.1", port)
for r in rows:
    a, cid = r.split("|", 1)
    c.request("GET", "/v1/cluster?account=" + a, headers={"Authorization": "Bearer " + token})
    o = json.loads(c.getresponse().read())
    print(o["owner"]["member"] if o["owner"]["member"] != "self" else o["self"], cid)
