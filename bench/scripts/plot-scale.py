#!/usr/bin/env python3
"""Plots the growth curve of `covenant bench scale` (docs/BENCHMARKS.md) as an SVG.

Usage: python3 bench/scripts/plot-scale.py docs/benchmarks/scale-runs.jsonl [SERIES] > docs/benchmarks/scale.svg

With SERIES, only the runs whose "series" field is SERIES are plotted (one code version measured
at several lengths: a growth curve); without it, every run.

The input holds one `bench scale` JSON object per line (as printed, plus an optional "label").
Three panels against the ledger length (log scale): import rate per CPU-second (all threads,
JIT and GC included, whole import) by
ledger (SQLite, PostgreSQL), live heap per event, and time to ready in CPU seconds. Python's
standard library only.
"""
import json
import math
import sys

W, H = 300, 220            # one panel
ML, MR, MT, MB = 62, 12, 34, 42
COLORS = {"sqlite": "#1f77b4", "postgresql": "#d62728"}


def panels(runs):
    def rate(r):
        return r["import_events_per_cpu_s"]
    return [
        ("import, events per CPU-second", rate, lambda v: f"{v/1000:.0f}k", 100_000),
        ("live heap, bytes per event",
         lambda r: (r.get("open") or r["open_with_checkpoint"])["heap_bytes_per_event"],
         lambda v: f"{v:.0f}", 100),
        ("time to ready, full replay, CPU s", lambda r: r["open"]["ready_cpu_seconds"],
         lambda v: f"{v:.0f}", None),
        ("time to ready, from a checkpoint, CPU s",
         lambda r: r["open_with_checkpoint"]["ready_cpu_seconds"], lambda v: f"{v:.1f}", 3),
    ]


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def nice_max(v):
    if v <= 0:
        return 1
    p = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * p:
            return m * p
    return 10 * p


def panel(x0, title, value, fmt, target, runs, out):
    xs = sorted({r["events"] for r in runs})
    lo, hi = math.log10(min(xs)), math.log10(max(xs))
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    vals = [value(r) for r in runs]
    top = nice_max(max(vals + ([target] if target else [])) * 1.1)
    pw, ph = W - ML - MR, H - MT - MB

    def px(e):
        return x0 + ML + (math.log10(e) - lo) / (hi - lo) * pw

    def py(v):
        return MT + ph - v / top * ph

    out.append(f'<text x="{x0 + W/2}" y="18" text-anchor="middle" font-size="12">{esc(title)}</text>')
    out.append(f'<rect x="{x0+ML}" y="{MT}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>')
    for i in range(5):
        v = top * i / 4
        y = py(v)
        out.append(f'<line x1="{x0+ML}" y1="{y:.1f}" x2="{x0+ML+pw}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{x0+ML-4}" y="{y+4:.1f}" text-anchor="end" font-size="10">{fmt(v)}</text>')
    for e in xs:
        x = px(e)
        label = f"{e/1e6:g}M" if e >= 1e6 else f"{e/1e3:g}k"
        out.append(f'<text x="{x:.1f}" y="{MT+ph+14}" text-anchor="middle" font-size="10">{label}</text>')
    out.append(f'<text x="{x0+ML+pw/2}" y="{H-8}" text-anchor="middle" font-size="10">events in the ledger</text>')
    if target:
        y = py(target)
        out.append(f'<line x1="{x0+ML}" y1="{y:.1f}" x2="{x0+ML+pw}" y2="{y:.1f}" '
                   f'stroke="#2ca02c" stroke-dasharray="4 3"/>')
        out.append(f'<text x="{x0+ML+pw-2}" y="{y-3:.1f}" text-anchor="end" font-size="9" '
                   f'fill="#2ca02c">target</text>')
    for ledger, color in COLORS.items():
        pts = sorted((r["events"], value(r)) for r in runs if r.get("ledger", "sqlite") == ledger)
        if not pts:
            continue
        path = " ".join(f"{px(e):.1f},{py(v):.1f}" for e, v in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for e, v in pts:
            out.append(f'<circle cx="{px(e):.1f}" cy="{py(v):.1f}" r="3" fill="{color}"/>')


def main():
    runs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
    if len(sys.argv) > 2:
        runs = [r for r in runs if r.get("series") == sys.argv[2]]
    ps = panels(runs)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W*len(ps)}" height="{H+16}" '
           f'font-family="sans-serif">', f'<rect width="100%" height="100%" fill="white"/>']
    for i, (title, value, fmt, target) in enumerate(ps):
        usable = [r for r in runs if value_ok(value, r)]
        panel(i * W, title, value, fmt, target, usable, out)
    x = 10
    for ledger, color in COLORS.items():
        out.append(f'<rect x="{x}" y="{H+2}" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{x+14}" y="{H+11}" font-size="10">{ledger}</text>')
        x += 90
    loads = sorted({round(r.get("load_average", 0)) for r in runs})
    out.append(f'<text x="{x}" y="{H+11}" font-size="10">machine load average during the runs: '
               f'{loads[0]}–{loads[-1]} on 2 cores</text>')
    out.append("</svg>")
    print("\n".join(out))


def value_ok(value, r):
    try:
        value(r)
        return True
    except (KeyError, TypeError):
        return False


if __name__ == "__main__":
    main()
