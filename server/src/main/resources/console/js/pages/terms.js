// Terms (ARCHITECTURE.md §5): the versions this account accepted over time, every version the
// server knows and, for the chosen version, what each purpose may do with the account's content,
// in words a non-lawyer reads. An owner or admin previews accepting another version (the engine
// decides, purpose by purpose, what changes for the content held and for content captured from
// now on: GET /v1/accounts/{a}/terms/{t}/preview) and accepts it.

import { seg, ApiError } from '../api.js';
import { h, replace, when, pill } from '../dom.js';
import { PURPOSES, purposeLabel, basisLabel, conditionWords, categoryWords,
  purposeMatches, reasonLabel, refusal } from '../words.js';
import { searchable } from '../listing.js';
import { confirmDialog } from '../dialog.js';
import { announce, permissions } from '../app.js';

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
  const admin = permissions(session).admin;
  const preview = h('div', { id: 'terms-preview', 'aria-live': 'polite' });
  const accepted = new Set(history.map((t) => t.terms));
  const known = searchable({ id: 'terms-catalog', noun: 'terms versions', rows: catalog.terms,
    empty: 'The server knows no terms versions.',
    text: (t) => t.terms + ' ' + t.title,
    table: (rows) => h('table', { class: 'data', id: 'terms-catalog-table' },
      h('caption', null, 'Every terms version this server knows'),
      h('thead', null, h('tr', null, ['Version', 'Title', 'Clauses', 'For ' + session.account,
        'Action'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, rows.map((t) => h('tr', { 'data-terms': t.terms },
        h('th', { scope: 'row', 'data-label': 'Version' }, h('a', {
          href: '#/terms?terms=' + encodeURIComponent(t.terms) }, t.terms)),
        h('td', { 'data-label': 'Title' }, t.title),
        h('td', { 'data-label': 'Clauses' }, String(t.clauses)),
        h('td', { 'data-label': 'For ' + session.account }, t.terms === current
          ? pill('In force', 'on') : accepted.has(t.terms) ? pill('Accepted before', 'neutral')
            : pill('Not accepted', 'neutral')),
        h('td', { 'data-label': 'Action' }, admin && t.terms !== current
          ? h('button', { type: 'button', class: 'secondary small', 'data-action': 'preview',
            'aria-label': 'Preview accepting ' + t.terms,
            onclick: () => showPreview(t.terms) }, 'Preview accepting…') : '—'))))) });
  replace(container, h('h1', null, 'Terms'),
    h('p', { class: 'lede' }, 'Your content belongs to you. The platform may use it only as '
      + 'the terms you accepted allow. Content keeps the terms it was captured under: later '
      + 'terms can restrict its use, never widen it.'),
    h('h2', null, 'Versions accepted by ' + session.account), timeline,
    h('h2', null, 'Versions the server knows'), known, preview, detail);

  async function showPreview(name) {
    replace(preview, h('p', { class: 'loading' }, 'Asking the engine what would change…'));
    let p;
    try {
      p = await session.api.get('/v1/accounts/' + seg(session.account) + '/terms/'
        + seg(name) + '/preview');
    } catch (e) {
      replace(preview, h('p', { role: 'alert', class: 'refusal' }, e instanceof ApiError
        ? refusal(e, { role: session.role, action: 'preview terms' }) : String(e)));
      return;
    }
    replace(preview, previewCard(p, session, async () => {
      const go = await confirmDialog({
        title: 'Accept "' + name + '"?',
        body: [h('p', null, 'From now on, uses of ' + session.account + '\'s content are '
          + 'decided under "' + name + '". Content already held keeps the limits of the terms '
          + 'it was captured under.'),
        h('p', null, 'The acceptance is recorded in the ledger with your name.')],
        confirm: 'Accept ' + name,
      });
      if (!go) {
        announce('Terms not accepted');
        return;
      }
      try {
        await session.api.post('/v1/accounts/' + seg(session.account) + '/terms',
          { terms: name });
      } catch (e) {
        replace(preview, h('p', { role: 'alert', class: 'refusal', id: 'terms-accept-error' },
          e instanceof ApiError ? refusal(e, { role: session.role, action: 'accept terms' })
            : String(e)));
        return;
      }
      await session.reload();
      announce('Accepted the terms ' + name);
      location.hash = '#/terms?terms=' + encodeURIComponent(name);
    }));
    const heading = preview.querySelector('h2');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
  }
  if (admin && params.get('preview')) {
    await showPreview(params.get('preview'));
  }

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

function verdictWords(d, depends) {
  if (d.verdict === 'allow') {
    return depends ? 'Allowed if the meeting\'s feature and notice conditions hold' : 'Allowed';
  }
  return 'Not allowed (' + reasonLabel((d.reasons || [])[0] || 'no_permitting_clause') + ')';
}

/** The engine's preview of accepting a version, purpose by purpose. */
function previewCard(p, session, accept) {
  const changed = p.purposes.filter((x) => x.held.allow_to_deny || x.held.deny_to_allow
    || x.new_content.some((f) => f.changes));
  const rows = p.purposes.map((x) => {
    const held = x.held;
    let change;
    if (held.allow_to_deny && held.deny_to_allow) {
      change = pill('Changes both ways', 'info');
    } else if (held.allow_to_deny) {
      change = pill('Fewer uses', 'off');
    } else if (held.deny_to_allow) {
      change = pill('More uses', 'on');
    } else {
      change = pill('No change', 'neutral');
    }
    const why = [];
    if (held.allow_to_deny) {
      why.push(held.allow_to_deny + ' allowed now would be refused: ' + Object.entries(
        held.reasons_after).map(([r, n]) => reasonLabel(r) + ' (' + n + ')').join(', ') + '.');
    }
    if (held.deny_to_allow) {
      why.push(held.deny_to_allow + ' refused now would be allowed.');
    }
    if (held.captured_under_other_terms) {
      why.push(held.captured_under_other_terms + ' would stay refused because the terms they '
        + 'were captured under do not allow it.');
    }
    const fresh = x.new_content.filter((f) => f.changes);
    return h('tr', { 'data-purpose': x.purpose },
      h('th', { scope: 'row', 'data-label': 'Purpose' }, purposeLabel(x.purpose),
        h('code', { class: 'key' }, x.purpose)),
      h('td', { 'data-label': 'Content held', class: 'held' },
        change, ' ', h('span', { class: 'held-counts' }, 'allowed for ' + held.allowed_now
          + ' of ' + held.items + ' now, ' + held.allowed_after + ' after'),
        why.length ? h('ul', { class: 'reasons' }, why.map((w) => h('li', null, w))) : null),
      h('td', { 'data-label': 'Captured from now on', class: 'fresh' }, fresh.length === 0
        ? 'No change'
        : h('ul', { class: 'reasons' }, fresh.map((f) => h('li', { 'data-category': f.category },
          categoryWords([f.category]) + ': ' + verdictWords(f.now, false) + ' → '
            + verdictWords(f.after, f.depends_on_meeting))))));
  });
  return h('section', { class: 'card', id: 'terms-preview-card',
    'aria-labelledby': 'terms-preview-title' },
  h('h2', { id: 'terms-preview-title' }, 'What accepting "' + p.proposed + '" would change'),
  h('p', { id: 'terms-preview-summary' }, 'Decided by the engine for the ' + p.items
    + ' content items ' + session.account + ' holds and for content captured from now on, '
    + 'comparing the terms in force (' + (p.current || 'none') + ') with "' + p.proposed
    + '". ' + (changed.length === 0 ? 'Nothing would change.'
      : changed.length + (changed.length === 1 ? ' purpose changes.' : ' purposes change.'))),
  h('p', { class: 'muted' }, 'Content keeps the limits of the terms it was captured under, so '
    + 'new terms can restrict its use but never widen it; only content captured from now on '
    + 'is decided by the new terms alone.'),
  h('table', { class: 'data preview-table', id: 'terms-preview-table' },
    h('caption', null, 'Each purpose: the content held now, and content captured from now on'),
    h('thead', null, h('tr', null, ['Purpose', 'Content held', 'Captured from now on']
      .map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows)),
  h('button', { type: 'button', class: 'primary', id: 'terms-accept', onclick: accept },
    'Accept "' + p.proposed + '"…'));
}
