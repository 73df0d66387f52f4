import sys, re, collections, subprocess
# usage: jfrprof.py file.jfr [thread-substring] [must-contain-frame-substring]
f = sys.argv[1]
thr = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None
must = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
txt = subprocess.run(['jfr','print','--stack-depth','64','--events','jdk.ExecutionSample,jdk.NativeMethodSample', f], capture_output=True, text=True).stdout
events = txt.split('\njdk.')
self_c = collections.Counter(); incl = collections.Counter(); total = 0
threads = collections.Counter()
for ev in events:
    m = re.search(r'sampledThread = "([^"]*)"', ev)
    if not m: continue
    tname = m.group(1)
    if thr and thr not in tname: continue
    frames = re.findall(r'^\s+([\w$./<>]+\.[\w$<>]+)\(', ev, re.M)
    # frames lines look like: "      org.foo.Bar.method(args) line: 12"
    frames = re.findall(r'^\s{4,}(\S+?)\(.*\)\s+line:', ev, re.M)
    if not frames: continue
    if must and not any(m in fr for fr in frames for m in must.split("|")): continue
    total += 1; threads[tname] += 1
    self_c[frames[0]] += 1
    for fr in set(frames): incl[fr] += 1
print("samples", total)
print("threads", threads.most_common(8))
print("--- self")
for k,v in self_c.most_common(40): print(f"{100*v/total:5.1f}% {k}")
print("--- inclusive")
for k,v in incl.most_common(70): print(f"{100*v/total:5.1f}% {k}")
