// Tokens (issue 20): an owner or admin issues account tokens for the account's people and
// revokes them; the platform operator also issues service tokens with their purposes, bound to
// this account with a role (what they may record). A secret
// is shown once, when issued. The API decides (no token above the issuer's role: 403
// `role_escalation`); the console leaves out the users a role may not mint for and says why.

import { ApiError } from '../api.js';
import { searchable } from '../listing.js';
import { h, replace, when, uid } from '../dom.js';
import { ROLES, refusal, purposeLabel } from '../words.js';
import { confirmDialog } from '../dialog.js';
import { announce } from '../app.js';

const RANK = { member: 0, group_admin: 1, admin: 2, owner: 3, operator: 4 };
const TTLS = [
  { seconds: 24 * 3600, label: '1 day' },
  { seconds: 7 * 24 * 3600, label: '7 days' },
  { seconds: 30 * 24 * 3600, label: '30 days' },
  { seconds: 90 * 24 * 3600, label: '90 days' },
];
const SERVICE_ROLES = [
  { id: 'decisions', label: 'Nothing: it only asks decisions' },
  { id: 'content', label: 'Content it registers' },
  { id: 'meetings', label: 'Meetings: starts, ends, features, participants, notices, content' },
];
const SERVICE_PURPOSES = ['service.provide', 'service.recording', 'service.transcription',
  'service.ai_feature.meeting_summary', 'service.ai_feature.smart_recording', 'ai.training',
  'product.improvement', 'analytics.load_balancing', 'safety.abuse_scanning'];

export async function render(container, session) {
  const operator = session.role === 'operator';
  const users = (session.info.user_list || []);
  // A token is never minted above the issuer's own role.
  const mintable = users.filter((u) => operator || RANK[u.role] <= RANK[session.role]);
  const above = users.filter((u) => !mintable.includes(u));
  const list = h('div', { id: 'token-list' });
  const issued = h('div', { id: 'token-issued', 'aria-live': 'polite' });
  const formError = h('p', { id: 'token-form-error', class: 'field-error', role: 'alert' });

  const userSel = h('select', { id: 'token-user', 'aria-describedby': 'token-user-help' },
    mintable.map((u) => h('option', { value: u.user }, u.user + ' (' + (ROLES[u.role] || u.role)
      + (u.group ? ', group ' + u.group : '') + ')')));
  const nameInput = h('input', { id: 'token-name', type: 'text', value: 'console',
    autocomplete: 'off', maxlength: '64' });
  const ttlSel = h('select', { id: 'token-ttl' }, TTLS.map((t, i) =>
    h('option', { value: String(t.seconds), selected: i === 1 }, t.label)));

  async function issue(body, who) {
    replace(formError);
    let out;
    try {
      out = await session.api.post('/v1/tokens', body);
    } catch (e) {
      if (!(e instanceof ApiError)) {
        throw e;
      }
      replace(formError, refusal(e, { role: session.role, action: 'issue this token' }));
      return;
    }
    replace(issued, h('div', { class: 'card success', id: 'token-secret-card' },
      h('h2', null, 'Token issued for ' + who),
      h('p', null, 'Copy it now: the secret is shown only this once (the server keeps only its '
        + 'hash). It expires ', when(out.expires), '.'),
      h('label', { for: 'token-secret' }, 'Secret'),
      h('input', { id: 'token-secret', type: 'text', readonly: true, value: out.secret,
        spellcheck: 'false', onfocus: (ev) => ev.target.select() })));
    announce('Token issued for ' + who);
    await load();
  }

  const accountForm = h('form', { id: 'token-form', class: 'card', onsubmit: (ev) => {
    ev.preventDefault();
    const u = userSel.value;
    issue({ kind: 'account', account: session.account, user: u,
      name: nameInput.value.trim() || 'console', ttl_seconds: Number(ttlSel.value) }, u);
  } },
  h('h2', null, 'Issue an account token'),
  h('div', { class: 'field' }, h('label', { for: 'token-user' }, 'For'), userSel,
    h('p', { class: 'help', id: 'token-user-help' }, 'The token acts as this person, with their '
      + 'role.', above.length ? ' Not offered: ' + above.map((u) => u.user + ' ('
      + (ROLES[u.role] || u.role) + ')').join(', ') + ', whose role is above yours.' : '')),
  h('div', { class: 'field' }, h('label', { for: 'token-name' }, 'Name'), nameInput),
  h('div', { class: 'field' }, h('label', { for: 'token-ttl' }, 'Valid for'), ttlSel),
  formError,
  h('button', { type: 'submit', class: 'primary', id: 'token-issue' }, 'Issue token'));

  let serviceForm = null;
  if (operator) {
    const boxes = SERVICE_PURPOSES.map((p) => {
      const id = uid('purpose');
      return h('div', { class: 'check' }, h('input', { type: 'checkbox', id, value: p,
        class: 'service-purpose' }), h('label', { for: id }, purposeLabel(p), ' ',
        h('code', null, p)));
    });
    const sName = h('input', { id: 'service-name', type: 'text', value: 'service',
      autocomplete: 'off' });
    // A service token acts in this account only, with the event types of its role
    // (docs/DECISIONS.md, "Service roles").
    const sRole = h('select', { id: 'service-role' }, SERVICE_ROLES.map((r, i) =>
      h('option', { value: r.id, selected: i === 0 }, r.label)));
    serviceForm = h('form', { id: 'service-form', class: 'card', onsubmit: (ev) => {
      ev.preventDefault();
      const purposes = [...serviceForm.querySelectorAll('input.service-purpose:checked')]
        .map((x) => x.value);
      issue({ kind: 'service', name: sName.value.trim() || 'service', purposes,
        accounts: [session.account], role: sRole.value, ttl_seconds: Number(ttlSel.value) },
      'service ' + (sName.value.trim() || 'service'));
    } },
    h('h2', null, 'Issue a service token'),
    h('div', { class: 'field' }, h('label', { for: 'service-name' }, 'Service name'), sName),
    h('fieldset', null, h('legend', null, 'Purposes it may ask about'), boxes),
    h('div', { class: 'field' }, h('label', { for: 'service-role' }, 'What it may record in '
      + session.account), sRole),
    h('button', { type: 'submit', class: 'primary', id: 'service-issue' },
      'Issue service token'));
  }

  replace(container, h('h1', null, 'Tokens'),
    h('p', { class: 'lede' }, 'API tokens of ' + session.account + '. An account token acts as '
      + 'one person with their role; revoke one that is lost or no longer needed. '
      + (operator ? '' : 'Service tokens are issued by the platform operator.')),
    issued, accountForm, serviceForm, h('h2', null, 'Tokens in use'), list);

  async function revoke(t) {
    const go = await confirmDialog({
      title: 'Revoke ' + t.name + (t.user ? ' (' + t.user + ')' : '') + '?',
      body: h('p', null, 'Anything using this token is refused from now on. This cannot be '
        + 'undone; issue a new token instead.'),
      confirm: 'Revoke', danger: true,
    });
    if (!go) {
      announce('No change made');
      return;
    }
    try {
      await session.api.del('/v1/tokens/' + encodeURIComponent(t.id));
      announce('Revoked ' + t.name);
    } catch (e) {
      if (!(e instanceof ApiError)) {
        throw e;
      }
      replace(formError, refusal(e, { role: session.role, action: 'revoke this token' }));
    }
    await load();
  }

  const forWords = (t) => (t.participant ? 'participant ' + t.participant + ' in meeting '
    + t.meeting : t.user ? t.user + ' of ' + t.account
    : t.purposes ? t.purposes.join(', ') + (t.role ? ' (role ' + t.role + ')' : '') : '—');
  const tokenList = searchable({ id: 'tokens', noun: 'tokens', rows: [],
    text: (t) => [t.name, t.kind, forWords(t)].join(' '),
    empty: 'No tokens.',
    table: (rows) => h('table', { class: 'data', id: 'tokens-table' },
      h('caption', null, 'Tokens, newest first'),
      h('thead', null, h('tr', null, ['Name', 'Kind', 'For', 'Issued', 'Expires', 'Action']
        .map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, rows.map((t) => h('tr', { 'data-token': t.id },
        h('th', { scope: 'row', 'data-label': 'Name' }, t.name),
        h('td', { 'data-label': 'Kind' }, t.kind),
        h('td', { 'data-label': 'For' }, forWords(t)),
        h('td', { 'data-label': 'Issued' }, when(t.created)),
        h('td', { 'data-label': 'Expires' }, t.expires ? when(t.expires) : 'never'),
        h('td', { 'data-label': 'Action' }, t.kind === 'operator' ? '—'
          : h('button', { type: 'button', class: 'danger small', 'data-action': 'revoke',
            'aria-label': 'Revoke ' + t.name + (t.user ? ' of ' + t.user : ''),
            onclick: () => revoke(t) }, 'Revoke…')))))) });
  replace(list, tokenList);

  async function load() {
    const data = await session.api.get('/v1/tokens');
    const mine = (data.tokens || []).filter((t) => operator ? true
      : t.account === session.account);
    tokenList.update(mine.slice().reverse());
  }

  await load();
}
