// Terms (ARCHITECTURE.md §5): the versions this account accepted over time and, for the chosen
// version, what each purpose may do with the account's content, in words a non-lawyer reads.

import { seg } from '../api.js';
import { h, replace, when, pill } from '../dom.js';
import { PURPOSES, purposeLabel, basisLabel, conditionWords, categoryWords,
  purposeMatches } from '../words.js';

export async function render(container, session, params) {
  const info = session.info;
  const history = info.terms_history || [];
  const catalog = await session.api.get('/v1/terms');
  const titles = Object.fromEntries(catalog.terms.map((t) => [t.terms, t.title]));
  const current = history.length ? history[history.length - 1].terms : null;
  const chosen = params.get('terms') || current || (catalog.terms[0] && catalog.terms[0].terms);

  const timeline = history.length === 0 ? h('p', null, 'This account has accepted no terms, '
    + 'so no use of its content is allowed.')
    : h('ol', { class: 'timeline', id: 'terms-timeline' }, history.map((t, i) =>
      h('li', { class: i === history.length - 1 ? 'current' : '' },
        h('a', { href: '#/terms?terms=' + encodeURIComponent(t.terms),
          'aria-current': t.terms === chosen ? 'true' : false },
        h('strong', null, t.terms)), ' — ', titles[t.terms] || '',
        h('br'), h('span', { class: 'muted' }, 'Accepted ', when(t.at), ' by ', t.by,
          i === history.length - 1 ? ' (in force now)' : ''))));

  const detail = h('div', { id: 'terms-detail' });
  replace(container, h('h1', null, 'Terms'),
    h('p', { class: 'lede' }, 'Your content belongs to you. The platform may use it only as '
      + 'the terms you accepted allow. Content keeps the terms it was captured under: later '
      + 'terms can restrict its use, never widen it.'),
    h('h2', null, 'Versions accepted by ' + session.account), timeline, detail);

  if (!chosen) {
    return;
  }
  const t = await session.api.get('/v1/terms/' + seg(chosen));
  const idx = history.findIndex((x) => x.terms === chosen);
  let changes = null;
  if (idx > 0) {
    // Clause ids differ between versions; what a clause does (effect, data, purposes,
    // conditions, obligations) is what a reader compares.
    const prev = await session.api.get('/v1/terms/' + seg(history[idx - 1].terms));
    const before = new Set(prev.clauses.map(meaning));
    const now = new Set(t.clauses.map(meaning));
    const added = t.clauses.filter((c) => !before.has(meaning(c)));
    const removed = prev.clauses.filter((c) => !now.has(meaning(c)));
    changes = h('section', { class: 'card', id: 'terms-changes' },
      h('h3', null, 'What changed from ' + prev.terms),
      added.length || removed.length ? h('ul', null,
        added.map((c) => h('li', null, pill('New', 'info'), ' ', c.title)),
        removed.map((c) => h('li', null, pill('Removed', 'off'), ' ', c.title)))
        : h('p', null, 'Nothing changed in what the terms allow.'));
  }
  const isContent = (c) => c.categories.some((x) => x.startsWith('customer_content') || x === '*');
  const platform = t.clauses.filter((c) => !isContent(c));
  const rows = Object.keys(PURPOSES).map((p) => {
    const content = t.clauses.filter((c) => isContent(c)
      && c.purposes.some((x) => purposeMatches(x, p)));
    const forbids = content.filter((c) => c.effect === 'forbid');
    const permits = content.filter((c) => c.effect === 'permit');
    let verdict;
    if (forbids.some((c) => (c.unless || []).length === 0)) {
      verdict = pill('Never', 'off');
    } else if (permits.some((c) => (c.when || []).length === 0) && forbids.length === 0) {
      verdict = pill('Allowed', 'on');
    } else if (permits.length) {
      verdict = pill('Only if…', 'info');
    } else {
      verdict = pill('Not allowed', 'off');
    }
    return h('tr', { 'data-purpose': p },
      h('th', { scope: 'row' }, purposeLabel(p), h('code', { class: 'key' }, p)),
      h('td', { 'data-label': 'Your content' }, verdict),
      h('td', { 'data-label': 'What the terms say' },
        content.length === 0 ? h('p', null, 'Nothing in these terms allows it.')
          : h('ul', { class: 'clauses' }, content.map((c) => clause(c)))));
  });
  const platformPart = platform.length ? h('section', { class: 'card', id: 'terms-platform' },
    h('h3', null, 'Data that belongs to the platform'),
    h('p', null, 'Data the service itself generates (telemetry, diagnostics, usage) and '
      + 'aggregated statistics belong to the platform, not to you:'),
    h('ul', { class: 'clauses' }, platform.map((c) => clause(c)))) : null;
  replace(detail,
    h('h2', null, 'What "' + chosen + '" allows, purpose by purpose'),
    h('p', { class: 'muted' }, t.title, ' · revision ', h('code', null, t.revision.slice(0, 12))),
    changes,
    h('table', { class: 'data terms', id: 'terms-table' },
      h('caption', null, 'Each purpose, whether it may use your content, and the clauses that '
        + 'decide it'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Purpose'),
        h('th', { scope: 'col' }, 'Your content'), h('th', { scope: 'col' }, 'What the terms say'))),
      h('tbody', null, rows)),
    platformPart);
}

function meaning(c) {
  return JSON.stringify([c.effect, [...c.categories].sort(), [...c.purposes].sort(),
    c.basis || '', c.when || [], c.unless || [], c.obligations || []]);
}

function clause(c) {
  const conds = c.effect === 'permit' ? c.when || [] : c.unless || [];
  const words = conds.map((x) => {
    const [k, v] = Object.entries(x)[0];
    return conditionWords(k, v);
  });
  let rule;
  if (c.effect === 'permit') {
    rule = 'Allowed for ' + categoryWords(c.categories) + ' on the basis of '
      + basisLabel(c.basis) + (words.length ? ', only when ' + words.join(' and ') : '') + '.';
  } else {
    rule = 'Forbidden for ' + categoryWords(c.categories)
      + (words.length ? ', unless ' + words.join(' or ') : ', with no exception') + '.';
  }
  const obligations = (c.obligations || []).map((o) => {
    const [k, v] = Object.entries(o)[0];
    return k === 'aggregate_only' ? 'Only in aggregates of at least ' + v.min_group + '.' : k;
  });
  return h('li', null, h('strong', null, c.title), ' ',
    h('span', { class: 'muted' }, '(' + c.cite + ')'), h('br'), rule,
    obligations.length ? [' ', obligations.join(' ')] : null);
}
