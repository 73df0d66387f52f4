# usage: pgconn.py RUNDIR -- CPU of this client's PostgreSQL backends per connection (importrun.sh's pg samples)
import sys,re
# per-connection CPU of this client's backends (largest first), from importrun's pg samples
r=sys.argv[1]
first={};last={};title={}
for line in open(f'{r}/pg'):
    p=line.rstrip('\n').split('|')
    if len(p)!=4: continue
    pid,t,u,s=p[0],p[1],int(p[2]),int(p[3])
    first.setdefault(pid,u+s); last[pid]=max(last.get(pid,0),u+s)
    if re.search(r'\((\d+)\)',t): title[pid]=t
ports=set(l.strip() for l in open(f'{r}/pg.ports') if l.strip())
out=[]
for pid,t in title.items():
    m=re.search(r'\((\d+)\)',t)
    if m.group(1) in ports: out.append((last[pid]-first[pid])/100)
out.sort(reverse=True)
print('this client: %.2f s; per connection:'%sum(out), ' '.join('%.2f'%x for x in out if x>0.05))
