"""Recall per batch of the feedback replay as a small SVG line chart (no plotting library)."""
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
arms = []
for r in rows:
    if r["arm"] not in arms:
        arms.append(r["arm"])
batches = sorted({r["batch"] for r in rows})
colors = {"static": "#888888", "feedback": "#1f77b4", "feedback_half": "#ff7f0e"}
w, h, left, right, top, bottom = 640, 360, 60, 170, 30, 50
lo, hi = 0.5, 1.0


def x(b):
    return left + (b - batches[0]) * (w - left - right) / max(1, len(batches) - 1)


def y(v):
    return top + (hi - v) * (h - top - bottom) / (hi - lo)


out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
       f'font-family="sans-serif" font-size="12">',
       f'<rect width="{w}" height="{h}" fill="white"/>',
       f'<text x="{left}" y="18">Spam recall per replay batch (newer mail to the right)</text>']
for k in range(6):
    v = lo + k * (hi - lo) / 5
    out.append(f'<line x1="{left}" x2="{w - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
               f'stroke="#dddddd"/>')
    out.append(f'<text x="{left - 8}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.1f}</text>')
for b in batches:
    out.append(f'<text x="{x(b):.1f}" y="{h - bottom + 18}" text-anchor="middle">{b}</text>')
out.append(f'<text x="{(left + w - right) / 2:.1f}" y="{h - 12}" text-anchor="middle">'
           f'batch</text>')
for i, arm in enumerate(arms):
    pts = [(r["batch"], r["recall"]) for r in rows if r["arm"] == arm]
    path = " ".join(f"{x(b):.1f},{y(v):.1f}" for b, v in pts)
    c = colors.get(arm, "#000000")
    out.append(f'<polyline points="{path}" fill="none" stroke="{c}" stroke-width="2"/>')
    for b, v in pts:
        out.append(f'<circle cx="{x(b):.1f}" cy="{y(v):.1f}" r="3" fill="{c}"/>')
    ly = top + 20 + 20 * i
    out.append(f'<line x1="{w - right + 15}" x2="{w - right + 35}" y1="{ly}" y2="{ly}" '
               f'stroke="{c}" stroke-width="2"/>')
    out.append(f'<text x="{w - right + 40}" y="{ly + 4}">{arm}</text>')
out.append("</svg>")
open(sys.argv[2], "w").write("\n".join(out) + "\n")
