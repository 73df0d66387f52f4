package org.covenant.server.console;

import java.util.List;

/**
 * Two accessibility checks run in the page: every text that is shown has a contrast ratio of at
 * least 4.5:1 against what is behind it (3:1 for large text; WCAG 2.2 SC 1.4.3), and every form
 * control has an accessible name (SC 4.1.2: a label, aria-label or aria-labelledby).
 */
final class A11y {
  private A11y() {}

  private static final String SCRIPT = """
      const problems = [];
      const parse = (c) => {
        const m = c.match(/rgba?\\(([^)]+)\\)/);
        if (!m) { return null; }
        const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
        return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
      };
      const lum = (c) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
      };
      const blend = (top, under) => ({
        r: top.r * top.a + under.r * (1 - top.a),
        g: top.g * top.a + under.g * (1 - top.a),
        b: top.b * top.a + under.b * (1 - top.a), a: 1 });
      const background = (el) => {
        const layers = [];
        for (let e = el; e; e = e.parentElement) {
          const c = parse(getComputedStyle(e).backgroundColor);
          if (c && c.a > 0) { layers.push(c); if (c.a >= 1) { break; } }
        }
        let bg = { r: 255, g: 255, b: 255, a: 1 };
        for (let i = layers.length - 1; i >= 0; i--) { bg = blend(layers[i], bg); }
        return bg;
      };
      const visible = (el) => {
        const r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
          && !el.closest('[hidden], dialog:not([open]), .visually-hidden');
      };
      const root = document.querySelector('main') ? document.body : document.body;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      const seen = new Set();
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || seen.has(el) || !n.textContent.trim() || !visible(el)) { continue; }
        if (el.closest('button:disabled, option, select, script, style')) { continue; }
        seen.add(el);
        const s = getComputedStyle(el);
        const fg = parse(s.color);
        let opacity = 1;
        for (let e = el; e; e = e.parentElement) { opacity *= Number(getComputedStyle(e).opacity); }
        const bg = background(el);
        const shown = blend({ ...fg, a: fg.a * opacity }, bg);
        const l1 = lum(shown); const l2 = lum(bg);
        const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        const size = parseFloat(s.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5)) {
          problems.push('contrast ' + ratio.toFixed(2) + ' for "' + n.textContent.trim().slice(0, 40)
            + '" (' + s.color + ' on rgb(' + [bg.r, bg.g, bg.b].map(Math.round) + '))');
        }
      }
      for (const c of document.querySelectorAll('input, select, textarea, button')) {
        if (!visible(c) || c.type === 'hidden') { continue; }
        const named = (c.labels && c.labels.length) || c.getAttribute('aria-label')
          || c.getAttribute('aria-labelledby') || (c.tagName === 'BUTTON' && c.textContent.trim());
        if (!named) { problems.push('no accessible name: ' + c.outerHTML.slice(0, 80)); }
      }
      return problems;
      """;

  /** What fails the two checks on the current page; empty when all is well. */
  @SuppressWarnings("unchecked")
  static List<String> problems(Browser b) {
    return (List<String>) b.js(SCRIPT);
  }
}
