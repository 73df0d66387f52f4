// Data rights (issue 18, owners and admins): the retention and regions in force for the account
// and each group (with the ceiling in words), legal holds with scope and matter (place, release
// after a confirmation), data subject requests with status and due date, and why one content
// item is denied (`retention_expired` with the date the server computed, `content_deleted`).

import { ApiError, seg } from '../api.js';
import { h, replace, when, pill } from '../dom.js';
import { refusal } from '../words.js';
import { confirmDialog } from '../dialog.js';
import { announce } from '../app.js';

function days(v) {
  return v.value + (v.value === 1 ? ' day' : ' days');
}

function retentionWords(data) {
  const r = data['retention.days'];
  const acct = r.account;
  const out = [];
  if (!acct) {
    out.push(h('p', { id: 'retention-account' }, 'No retention is set for the account: customer '
      + 'content is kept until it is deleted. A group or user may still set one for theirs.'));
  } else {
    out.push(h('p', { id: 'retention-account' }, 'The account keeps customer content ',
      h('strong', null, days(acct)), acct.locked ? ' (locked: nobody may change it below)' : '',
      '.'));
    out.push(h('p', { id: 'retention-ceiling', class: 'help' }, 'This is a ceiling: a group or '
      + 'user may only shorten the account\'s ' + days(acct) + ', never lengthen it. Content '
      + 'at least that old is denied with retention_expired; a legal hold keeps it for legal '
      + 'compliance only.'));
  }
  const groups = Object.keys(r.groups || {});
  if (groups.length > 0) {
    out.push(h('table', { class: 'data', id: 'retention-groups' },
      h('caption', null, 'Retention and regions in force per group'),
      h('thead', null, h('tr', null, ['Group', 'Retention', 'Regions'].map((x) =>
        h('th', { scope: 'col' }, x)))),
      h('tbody', null, groups.map((g) => {
        const gr = r.groups[g];
        const rg = data['data_regions.allowed'].groups[g];
        return h('tr', { 'data-group': g },
          h('th', { scope: 'row', 'data-label': 'Group' }, g),
          h('td', { 'data-label': 'Retention' }, gr ? days(gr) + (gr.level === 'group'
            ? ' (shortened by the group)' : ' (from the ' + gr.level + ')') : 'kept until deleted'),
          h('td', { 'data-label': 'Regions' }, rg ? rg.value.join(', ') : 'any region'));
      }))));
  }
  return out;
}

function regionWords(data) {
  const r = data['data_regions.allowed'].account;
  return h('p', { id: 'regions-account' }, r ? ['Customer content may be processed in ',
    h('strong', null, r.value.join(', ')), ' only; a group or user may narrow this list.']
    : 'Customer content may be processed in any region.');
}

export async function render(container, session) {
  const acct = '/v1/accounts/' + seg(session.account);
  const overview = h('section', { id: 'dr-overview', 'aria-labelledby': 'dr-ret-h' });
  const holds = h('div', { id: 'hold-list' });
  const requests = h('div', { id: 'dsr-list' });
  const itemOut = h('div', { id: 'item-rights', 'aria-live': 'polite' });
  const holdError = h('p', { id: 'hold-form-error', class: 'field-error', role: 'alert' });

  const holdId = h('input', { id: 'hold-id', type: 'text', autocomplete: 'off', required: true });
  const holdScope = h('input', { id: 'hold-scope', type: 'text', value: 'account',
    autocomplete: 'off', 'aria-describedby': 'hold-scope-help', required: true });
  const holdMatter = h('input', { id: 'hold-matter', type: 'text', autocomplete: 'off',
    required: true });

  async function send(event, what) {
    replace(holdError);
    let res;
    try {
      res = await session.api.post('/v1/events', { events: [Object.assign({ type: event.type,
        at: new Date().toISOString(), account: session.account,
        by: session.user || undefined }, event)] });
    } catch (e) {
      if (!(e instanceof ApiError)) {
        throw e;
      }
      replace(holdError, refusal(e, { role: session.role, action: what }));
      return false;
    }
    const r = res.results[0];
    if (r.status !== 'accepted' && r.status !== 'duplicate') {
      replace(holdError, refusal(new ApiError(409, r.code || r.status, r.message),
        { role: session.role, action: what }));
      return false;
    }
    return true;
  }

  const holdForm = h('form', { id: 'hold-form', class: 'card', onsubmit: async (ev) => {
    ev.preventDefault();
    const ok = await send({ type: 'legal_hold.placed', hold: holdId.value.trim(),
      scope: holdScope.value.trim(), matter: holdMatter.value.trim() }, 'place this hold');
    if (ok) {
      announce('Hold ' + holdId.value.trim() + ' placed');
      holdId.value = '';
      holdMatter.value = '';
      await load();
    }
  } },
  h('h3', null, 'Place a legal hold'),
  h('div', { class: 'field' }, h('label', { for: 'hold-id' }, 'Hold id'), holdId),
  h('div', { class: 'field' }, h('label', { for: 'hold-scope' }, 'Scope'), holdScope,
    h('p', { class: 'help', id: 'hold-scope-help' }, 'account, group:G, user:U or meeting:M. '
      + 'Held content cannot be deleted and stays available for legal compliance.')),
  h('div', { class: 'field' }, h('label', { for: 'hold-matter' }, 'Matter'), holdMatter),
  holdError,
  h('button', { type: 'submit', class: 'primary', id: 'hold-place' }, 'Place hold'));

  async function release(hd) {
    const go = await confirmDialog({
      title: 'Release hold ' + hd.hold + '?',
      body: h('p', null, 'Content under ' + hd.scope + ' for "' + hd.matter + '" may then be '
        + 'deleted and expires under retention again.'),
      confirm: 'Release', danger: true,
    });
    if (!go) {
      announce('No change made');
      return;
    }
    if (await send({ type: 'legal_hold.released', hold: hd.hold }, 'release this hold')) {
      announce('Hold ' + hd.hold + ' released');
    }
    await load();
  }

  const itemInput = h('input', { id: 'item-id', type: 'text', autocomplete: 'off',
    required: true });
  const itemForm = h('form', { id: 'item-form', class: 'card', onsubmit: async (ev) => {
    ev.preventDefault();
    const id = itemInput.value.trim();
    let r;
    try {
      r = await session.api.get(acct + '/content/' + seg(id) + '/rights');
    } catch (e) {
      if (!(e instanceof ApiError)) {
        throw e;
      }
      replace(itemOut, h('p', { class: 'field-error', role: 'alert' }, refusal(e,
        { role: session.role, action: 'read this item' })));
      return;
    }
    const lines = [];
    if (r.denied === 'content_deleted') {
      lines.push(h('p', { id: 'item-denied' }, pill('Denied', 'off'), ' ',
        h('code', null, 'content_deleted'), ': deleted ', when(r.deleted.at), ' by ',
        r.deleted.by, '.'));
    } else if (r.denied === 'retention_expired') {
      lines.push(h('p', { id: 'item-denied' }, pill('Denied', 'off'), ' ',
        h('code', null, 'retention_expired'), ': its ' + days(r.retention) + ' retention '
        + 'expired ', h('time', { datetime: r.expired_at, id: 'item-expired-at' },
          r.expired_at.slice(0, 10)), '.', r.legal_compliance_exempt
          ? ' A legal hold keeps it for legal compliance.' : ''));
    } else {
      lines.push(h('p', { id: 'item-denied' }, 'Not denied by data rights. ', r.expires_at
        ? ['It expires ', h('time', { datetime: r.expires_at }, r.expires_at.slice(0, 10)), '.']
        : 'No retention applies to it.'));
    }
    replace(itemOut, h('div', { class: 'card' }, h('h3', null, id), lines));
  } },
  h('h3', null, 'Why is a content item denied?'),
  h('div', { class: 'field' }, h('label', { for: 'item-id' }, 'Content id'), itemInput),
  h('button', { type: 'submit', class: 'primary', id: 'item-check' }, 'Check'));

  replace(container, h('h1', null, 'Data rights'),
    h('p', { class: 'lede' }, 'How long ' + session.account + ' keeps customer content, where '
      + 'it may be processed, legal holds and data subject requests.'),
    h('h2', { id: 'dr-ret-h' }, 'Retention and regions'), overview,
    h('h2', null, 'Legal holds'), holds, holdForm,
    h('h2', null, 'Data requests'), requests,
    h('h2', null, 'Content items'), itemForm, itemOut);

  async function load() {
    const data = await session.api.get(acct + '/data-rights');
    replace(overview, retentionWords(data), regionWords(data));
    const list = data.holds || [];
    replace(holds, list.length === 0 ? h('p', { id: 'holds-empty' }, 'No legal holds.')
      : h('table', { class: 'data', id: 'holds-table' },
        h('caption', null, 'Legal holds, oldest first'),
        h('thead', null, h('tr', null, ['Hold', 'Scope', 'Matter', 'Placed', 'Status', 'Action']
          .map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', null, list.map((hd) => h('tr', { 'data-hold': hd.hold },
          h('th', { scope: 'row', 'data-label': 'Hold' }, hd.hold),
          h('td', { 'data-label': 'Scope' }, hd.scope),
          h('td', { 'data-label': 'Matter' }, hd.matter),
          h('td', { 'data-label': 'Placed' }, when(hd.placed_at), ' by ', hd.placed_by),
          h('td', { 'data-label': 'Status' }, hd.in_force ? pill('In force', 'on')
            : ['Released ', when(hd.released_at)]),
          h('td', { 'data-label': 'Action' }, hd.in_force ? h('button', { type: 'button',
            class: 'danger small', 'data-action': 'release', 'aria-label': 'Release hold '
            + hd.hold, onclick: () => release(hd) }, 'Release…') : '—'))))));
    let dsr = null;
    try {
      dsr = await session.api.get(acct + '/dsr');
    } catch (e) {
      if (!(e instanceof ApiError)) {
        throw e;
      }
      replace(requests, h('p', { id: 'dsr-unavailable' }, refusal(e,
        { role: session.role, action: 'list data requests' })));
      return;
    }
    const reqs = dsr.requests || [];
    replace(requests, reqs.length === 0 ? h('p', { id: 'dsr-empty' }, 'No data requests.')
      : h('table', { class: 'data', id: 'dsr-table' },
        h('caption', null, 'Data subject requests'),
        h('thead', null, h('tr', null, ['Request', 'Subject', 'Kind', 'Received', 'Due',
          'Status'].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', null, reqs.map((q) => h('tr', { 'data-request': q.id },
          h('th', { scope: 'row', 'data-label': 'Request' }, q.id),
          h('td', { 'data-label': 'Subject' }, q.subject),
          h('td', { 'data-label': 'Kind' }, q.kind),
          h('td', { 'data-label': 'Received' }, when(q.received_at)),
          h('td', { 'data-label': 'Due', class: 'dsr-due' },
            h('time', { datetime: q.due }, q.due.slice(0, 10))),
          h('td', { 'data-label': 'Status' }, q.overdue ? pill('Overdue', 'off') : q.status))))));
  }

  await load();
}
