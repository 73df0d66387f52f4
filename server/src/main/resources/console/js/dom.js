// Element building without innerHTML: every piece of data lands in a text node, so nothing the
// API returns can become markup.

/**
 * h('button', {class: 'x', onclick: f, 'aria-label': 'y'}, 'text', child, [more])
 * Attributes whose value is false, null or undefined are left out; `true` sets an empty one.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === false || v === null || v === undefined) {
        continue;
      }
      if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2), v);
      } else if (k === 'class') {
        el.className = v;
      } else if (k === 'value') {
        el.value = v;
      } else if (k === 'checked' || k === 'selected' || k === 'disabled') {
        el[k] = Boolean(v);
        if (v) {
          el.setAttribute(k, '');
        }
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) {
      continue;
    }
    if (Array.isArray(c)) {
      append(el, c);
    } else if (c instanceof Node) {
      el.appendChild(c);
    } else {
      el.appendChild(document.createTextNode(String(c)));
    }
  }
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;

/** A fresh element id with a prefix. */
export function uid(prefix) {
  ids += 1;
  return prefix + '-' + ids;
}

/** A date and time in the reader's locale, with the ISO value in a <time> element. */
export function when(iso) {
  if (!iso) {
    return h('span', null, '—');
  }
  const d = new Date(iso);
  const text = isNaN(d) ? iso : d.toLocaleString(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
  });
  return h('time', { datetime: iso }, text);
}

/** The lock symbol, hidden from screen readers (the text beside it says "locked"). */
export function lockIcon() {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '14');
  svg.setAttribute('height', '14');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'lock-icon');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', 'M4 7V5a4 4 0 1 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 1 0-4 0v2z');
  path.setAttribute('fill', 'currentColor');
  svg.appendChild(path);
  return svg;
}

/** A small status pill. */
export function pill(text, kind) {
  return h('span', { class: 'pill pill-' + (kind || 'neutral') }, text);
}
