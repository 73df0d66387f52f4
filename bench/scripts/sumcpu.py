import sys, collections
# max utime/stime per tid across all snapshots, grouped by name (GC/compiler threads grouped)
best = {}
for line in open(sys.argv[1]):
    parts = line.strip().split('|')
    if len(parts) != 4: continue
    tid, name, u, s = parts
    u, s = int(u), int(s)
    if tid not in best or u + s > best[tid][1] + best[tid][2]:
        best[tid] = (name, u, s)
groups = collections.Counter(); sysg = collections.Counter()
for tid, (name, u, s) in best.items():
    g = name
    for pre in ('GC Thread', 'G1 Conc', 'G1 Refine', 'C2 Compiler', 'C1 Compiler', 'ForkJoinPool'):
        if name.startswith(pre): g = pre
    groups[g] += u + s; sysg[g] += s
tot = sum(groups.values())
print("total CPU s", tot / 100)
for g, v in groups.most_common(14):
    print(f"{g:28s} {v/100:7.2f} s (system {sysg[g]/100:.2f})")
