# usage: normlog.py DATA_DIR -- SHA-256 of a data directory's log leaves with every pseudonym replaced by
# the (account, id) whose salt makes it (salts are random per run, so raw leaves differ between runs).
import sys, os, re, json, hashlib
d = sys.argv[1]
ent = os.path.join(d, 'log', 'tile', 'entries')
best = {}
for root, dirs, files in os.walk(ent):
    for f in files:
        rel = os.path.relpath(os.path.join(root, f), ent)
        parts = rel.split('/')
        width = 256
        if len(parts) >= 2 and parts[-2].endswith('.p'):
            width = int(parts[-1]); parts = parts[:-1]; parts[-1] = parts[-1][:-2]
        idx = int(''.join(p.lstrip('x') for p in parts))
        if width >= best.get(idx, (0,))[0]:
            best[idx] = (width, os.path.join(root, f))
names = {}
for fn in ('salts.json', 'salts.jsonl'):
    p = os.path.join(d, 'keys', fn)
    if not os.path.exists(p): continue
    if fn == 'salts.json':
        o = json.load(open(p))
        items = [(a, i, s) for a, m in o.get('accounts', {}).items() for i, s in m.items()]
    else:
        items = []
        for line in open(p):
            try: o = json.loads(line)
            except Exception: continue
            if 'salt' in o: items.append((o['account'], o['id'], o['salt']))
    for a, i, s in items:
        names['sha256:' + hashlib.sha256(bytes.fromhex(s) + i.encode()).hexdigest()] = 'P(%s/%s)' % (a, i)
h = hashlib.sha256(); n = 0; unknown = 0
pat = re.compile(r'sha256:[0-9a-f]{64}')
def sub(m):
    global unknown
    v = names.get(m.group(0))
    if v is None: unknown += 1; return m.group(0)
    return v
for idx in sorted(best):
    width, path = best[idx]
    b = open(path, 'rb').read(); o = 0
    while o < len(b):
        ln = int.from_bytes(b[o:o+2], 'big'); leaf = b[o+2:o+2+ln]; o += 2 + ln
        t = pat.sub(sub, leaf.decode())
        h.update(t.encode() + b'\n'); n += 1
print(json.dumps({'leaves': n, 'salts': len(names), 'unmapped_pseudonyms': unknown, 'normalized_sha256': h.hexdigest()}))
