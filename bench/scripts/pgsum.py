import sys, collections, re
# sum per postgres pid (max over samples, minus the first sample), grouped by role
first = {}; last = {}; title = {}
for line in open(sys.argv[1]):
    p = line.rstrip('\n').split('|')
    if len(p) != 4: continue
    pid, t, u, s = p[0], p[1], int(p[2]), int(p[3])
    if pid not in first: first[pid] = u + s
    last[pid] = max(last.get(pid, 0), u + s)
    title.setdefault(pid, t)
    m = re.search(r'\((\d+)\)', t)
    if m: title[pid] = t
ports = set(l.strip() for l in open(sys.argv[1] + '.ports') if l.strip())
g = collections.Counter()
for pid in last:
    t = title[pid]; d = last[pid] - first[pid]
    m = re.search(r'\((\d+)\)', t)
    if m: k = 'backend (this client)' if m.group(1) in ports else 'backend (others)'
    else: k = re.sub(r'^postgres: (\d+/main: )?', '', t).strip().split(' ')[0:2]; k = ' '.join(k)
    g[k] += d
print("postgres CPU s (sampled)", sum(g.values()) / 100)
for k, v in g.most_common(): print(f"  {k:32s} {v/100:7.2f}")
