// Audit history (issue 20): every setting, consent, terms, hold and membership change of the
// account, newest first, filtered by what, who, level and when, a page at a time (the server
// filters and pages: GET /v1/accounts/{a}/audit). Each change names its ledger position and
// links the log entry that records it, where the Log page checks its inclusion proof.

import { seg, query } from '../api.js';
import { h, replace, when, pill } from '../dom.js';
import { settingLabel, consentLabel, ROLES } from '../words.js';
import { pager } from '../listing.js';

const KINDS = [
  ['', 'Every kind of change'],
  ['setting', 'Settings'],
  ['consent', 'Consents'],
  ['terms', 'Terms'],
  ['hold', 'Holds'],
  ['membership', 'Membership (account, groups, people)'],
];
const LEVELS = [['', 'Every level'], ['account', 'Account'], ['group', 'Group'],
  ['user', 'User']];
const PAGE = 25;

function scopeWords(scope) {
  if (!scope || scope === 'account') {
    return 'for the account';
  }
  const [level, id] = scope.split(':');
  return 'for ' + (level === 'group' ? 'group ' : 'user ') + id;
}

/** What one change did, in a sentence. */
export function changeWords(item) {
  const e = item.event;
  switch (item.type) {
    case 'setting.set':
      return settingLabel(e.key) + ' set ' + (e.value ? 'On' : 'Off')
        + (e.locked ? ' and locked' : '') + ' ' + scopeWords(e.scope);
    case 'setting.cleared':
      return settingLabel(e.key) + ' cleared (inherits again) ' + scopeWords(e.scope);
    case 'consent.granted':
      return consentLabel(e.consent) + ': consent given';
    case 'consent.withdrawn':
      return consentLabel(e.consent) + ': consent withdrawn';
    case 'terms.accepted':
      return 'Terms "' + e.terms + '" accepted';
    case 'account.created':
      return 'Account created with ' + e.owner + ' as its owner';
    case 'group.created':
      return 'Group ' + e.group + ' created';
    case 'user.added':
      return e.user + ' added as ' + (ROLES[e.role] || e.role)
        + (e.group ? ' in group ' + e.group : '');
    default:
      return item.type;
  }
}

function utcDay(value, next) {
  if (!value) {
    return undefined;
  }
  const d = new Date(value + 'T00:00:00Z');
  if (next) {
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return d.toISOString().replace('.000Z', 'Z');
}

export async function render(container, session, params) {
  const base = '/v1/accounts/' + seg(session.account) + '/audit';
  const kind = h('select', { id: 'audit-kind' }, KINDS.map(([v, t]) =>
    h('option', { value: v, selected: v === (params.get('kind') || '') }, t)));
  const who = h('input', { type: 'text', id: 'audit-who', autocomplete: 'off',
    value: params.get('who') || '', 'aria-describedby': 'audit-who-help' });
  const level = h('select', { id: 'audit-level' }, LEVELS.map(([v, t]) =>
    h('option', { value: v, selected: v === (params.get('level') || '') }, t)));
  const from = h('input', { type: 'date', id: 'audit-from', value: params.get('from') || '' });
  const to = h('input', { type: 'date', id: 'audit-to', value: params.get('to') || '' });
  const results = h('div', { id: 'audit-results', 'aria-live': 'polite' });
  // The cursors of the pages before this one: Previous pops one.
  let cursors = [];
  let cursor = null;
  const bar = pager('audit', 'changes', () => {
    cursor = cursors.pop() || null;
    load();
  }, () => {
    cursors.push(cursor);
    cursor = next;
    load();
  });
  let next = null;
  const form = h('form', { class: 'filters', id: 'audit-filters', onsubmit: (ev) => {
    ev.preventDefault();
    cursors = [];
    cursor = null;
    load();
  } },
  h('div', { class: 'field' }, h('label', { for: 'audit-kind' }, 'What'), kind),
  h('div', { class: 'field' }, h('label', { for: 'audit-who' }, 'Who'), who,
    h('span', { id: 'audit-who-help', class: 'muted small-print' },
      'A user id: who made the change, or whom it is about')),
  h('div', { class: 'field' }, h('label', { for: 'audit-level' }, 'Level'), level),
  h('div', { class: 'field' }, h('label', { for: 'audit-from' }, 'From (UTC day)'), from),
  h('div', { class: 'field' }, h('label', { for: 'audit-to' }, 'To (UTC day, included)'), to),
  h('div', { class: 'field' }, h('button', { type: 'submit', class: 'primary',
    id: 'audit-apply' }, 'Show changes'), ' ',
  h('button', { type: 'button', class: 'secondary', id: 'audit-clear', onclick: () => {
    kind.value = '';
    who.value = '';
    level.value = '';
    from.value = '';
    to.value = '';
    cursors = [];
    cursor = null;
    load();
  } }, 'Clear filters')));
  replace(container, h('h1', null, 'Audit history'),
    h('p', { class: 'lede' }, 'Every change to settings, consents, terms, holds and '
      + 'membership of ' + session.account + ', newest first. Each is an event in the '
      + 'ledger, and the transparency log holds it: follow its log entry to check the '
      + 'inclusion proof.'),
    form, results, bar.el);

  const filtered = () => Boolean(kind.value || who.value.trim() || level.value || from.value
    || to.value);

  async function load() {
    const q = {
      kind: kind.value || undefined,
      who: who.value.trim() || undefined,
      level: level.value || undefined,
      from: utcDay(from.value, false),
      to: utcDay(to.value, true),
      before: cursor || undefined,
      limit: PAGE,
    };
    const page = await session.api.get(base + query(q));
    next = page.next;
    const items = page.items || [];
    const first = cursors.length * PAGE;
    bar.set(cursors.length > 0, next !== null && next !== undefined, items.length === 0 ? ''
      : 'Showing changes ' + (first + 1) + '–' + (first + items.length)
        + (next ? ' (more on the next page)' : '') + '.');
    replace(results, items.length === 0
      ? h('p', { class: 'empty', id: 'audit-empty' }, filtered()
        ? 'No change matches these filters. Clear the filters to see every change.'
        : 'No change has been recorded for this account yet.')
      : h('table', { class: 'data', id: 'audit-table' },
        h('caption', null, 'Changes of ' + session.account + ', newest first'),
        h('thead', null, h('tr', null, ['When', 'Change', 'Who', 'Level', 'Ledger position',
          'Log entry'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, items.map((i) => h('tr', { 'data-position': String(i.position),
          'data-type': i.type },
        h('td', { 'data-label': 'When' }, when(i.at)),
        h('th', { scope: 'row', 'data-label': 'Change' }, pill(kindName(i.kind), 'neutral'), ' ',
          changeWords(i)),
        h('td', { 'data-label': 'Who', class: 'audit-who' }, i.by || (i.subject ? 'about '
          + i.subject : '—')),
        h('td', { 'data-label': 'Level' }, i.level),
        h('td', { 'data-label': 'Ledger position' }, String(i.position)),
        h('td', { 'data-label': 'Log entry' }, i.log_entry === null || i.log_entry === undefined
          ? h('span', { class: 'muted' }, 'Not in the log yet')
          : h('a', { href: '#/log?entry=' + i.log_entry, class: 'log-entry-link',
            'aria-label': 'Log entry ' + i.log_entry + ': check its inclusion proof' },
          'Entry ' + i.log_entry + ' (check proof)')))))));
  }

  await load();
}

function kindName(k) {
  const found = KINDS.find(([v]) => v === k);
  return found ? found[1].split(' ')[0] : k;
}
