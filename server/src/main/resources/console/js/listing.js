// Lists the reader can search and page through, with an empty state that says why a list is
// empty: every list of the console is one of these. `searchable` filters and pages rows the page
// already has (a few hundred at most); `pager` is the Previous/Next bar of a list the server
// pages (meetings, audit history).

import { h, replace } from './dom.js';

/**
 * A searchable, paged list.
 *
 * @param {object} o
 * @param {string} o.id prefix of the element ids (`ID-search`, `ID-count`, `ID-prev`, `ID-next`)
 * @param {string} o.noun what the rows are, plural ("tokens")
 * @param {Array} o.rows the rows
 * @param {function} o.text a row's searchable text
 * @param {function} o.table the table (or list) of some rows
 * @param {string} o.empty what to say when there are no rows at all
 * @param {number} [o.pageSize] rows per page (10)
 * @returns {HTMLElement} with `update(rows)` to redraw with new rows
 */
export function searchable(o) {
  let rows = o.rows;
  let query = '';
  let page = 0;
  const size = o.pageSize || 10;
  const input = h('input', { type: 'search', id: o.id + '-search', autocomplete: 'off',
    'aria-describedby': o.id + '-count', oninput: () => {
      query = input.value.trim().toLowerCase();
      page = 0;
      draw();
    } });
  const search = h('div', { class: 'field listing-search' },
    h('label', { for: o.id + '-search' }, 'Search ' + o.noun), input);
  const count = h('p', { id: o.id + '-count', class: 'muted listing-count',
    'aria-live': 'polite' });
  const body = h('div', { id: o.id + '-body' });
  const prev = h('button', { type: 'button', class: 'secondary small', id: o.id + '-prev',
    onclick: () => {
      page -= 1;
      draw();
    } }, 'Previous page');
  const next = h('button', { type: 'button', class: 'secondary small', id: o.id + '-next',
    onclick: () => {
      page += 1;
      draw();
    } }, 'Next page');
  const nav = h('nav', { class: 'pager', 'aria-label': 'Pages of ' + o.noun }, prev, next);
  const el = h('div', { class: 'listing', id: o.id + '-listing' }, search, count, body, nav);

  function draw() {
    if (rows.length === 0) {
      search.hidden = true;
      nav.hidden = true;
      count.textContent = '';
      replace(body, h('p', { class: 'empty', id: o.id + '-empty' }, o.empty));
      return;
    }
    search.hidden = false;
    const shown = query ? rows.filter((r) => o.text(r).toLowerCase().includes(query)) : rows;
    const pages = Math.max(1, Math.ceil(shown.length / size));
    page = Math.min(Math.max(0, page), pages - 1);
    if (shown.length === 0) {
      count.textContent = 'No ' + o.noun + ' match "' + input.value.trim() + '".';
      replace(body, h('p', { class: 'empty', id: o.id + '-empty' }, 'No ' + o.noun
        + ' match "' + input.value.trim() + '". Clear the search to see all ' + rows.length
        + '.'));
      nav.hidden = true;
      return;
    }
    const from = page * size;
    const to = Math.min(shown.length, from + size);
    count.textContent = (shown.length === rows.length ? '' : shown.length + ' of '
      + rows.length + ' match. ') + 'Showing ' + (from + 1) + '–' + to + ' of '
      + shown.length + '.';
    replace(body, o.table(shown.slice(from, to)));
    nav.hidden = pages === 1;
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  }

  el.update = (r) => {
    rows = r;
    draw();
  };
  draw();
  return el;
}

/**
 * The Previous/Next bar of a list the server pages.
 *
 * @param {string} id prefix of the button ids (`ID-prev`, `ID-next`)
 * @param {string} noun what the list holds, plural
 * @param {function} onPrev called on Previous
 * @param {function} onNext called on Next
 * @returns {{el: HTMLElement, set: function(boolean, boolean, string)}} `set(hasPrev, hasNext,
 *     text)` updates it
 */
export function pager(id, noun, onPrev, onNext) {
  const text = h('p', { id: id + '-count', class: 'muted listing-count', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'secondary small', id: id + '-prev',
    onclick: onPrev }, 'Previous page');
  const next = h('button', { type: 'button', class: 'secondary small', id: id + '-next',
    onclick: onNext }, 'Next page');
  const nav = h('nav', { class: 'pager', 'aria-label': 'Pages of ' + noun }, prev, next);
  const el = h('div', null, text, nav);
  return {
    el,
    set(hasPrev, hasNext, words) {
      text.textContent = words;
      prev.disabled = !hasPrev;
      next.disabled = !hasNext;
      nav.hidden = !hasPrev && !hasNext;
    },
  };
}
