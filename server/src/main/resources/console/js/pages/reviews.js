// Reviews (ISSUE 9, issue 20): invites the abuse scanner held as spam or fraud, with why it held
// each (score against the threshold, the features that weighed most, link domains, header
// anomalies) and a preview of the message. An owner or admin releases a legitimate one or
// confirms it, after a confirmation that says the decision is final; the decided ones are
// listed with who decided and when, each list searchable and paged.

import { seg, query, ApiError } from '../api.js';
import { h, replace, pill, when } from '../dom.js';
import { searchable } from '../listing.js';
import { refusal } from '../words.js';
import { confirmDialog } from '../dialog.js';
import { announce, showError, clearError } from '../app.js';

const VERDICTS = { spam: 'Spam', fraud: 'Fraud', clean: 'Clean' };
const STATUS = { released: 'Released (delivered)', confirmed: 'Confirmed (kept blocked)' };

/** "0.998 (held at 0.500 or more)": a score means nothing without its threshold. */
function scoreWords(item) {
  const score = Number(item.scan && typeof item.scan.score === 'number' ? item.scan.score
    : item.score);
  const t = item.scan && typeof item.scan.threshold === 'number' ? item.scan.threshold : null;
  if (t === null) {
    return score.toFixed(3);
  }
  // As many decimals as it takes to tell the score from the threshold (up to 6).
  let digits = 3;
  while (digits < 6 && score !== t && score.toFixed(digits) === t.toFixed(digits)) {
    digits += 1;
  }
  return score.toFixed(digits) + ' (held at ' + t.toFixed(digits) + ' or more)';
}

/** The reasons the scanner gave, as lists; empty parts are left out. */
function reasons(item) {
  const s = item.scan || {};
  const parts = [];
  const list = (title, values, cls) => {
    if (values && values.length) {
      parts.push(h('p', { class: 'reason-title' }, title),
        h('ul', { class: 'reasons ' + cls }, values.map((v) => h('li', null, v))));
    }
  };
  list('Features that weighed most', (s.top_features || []).map((f) => f.feature + ' ('
    + (f.weight >= 0 ? '+' : '') + Number(f.weight).toFixed(2) + ')'), 'features');
  list('Link domains', s.link_domains, 'domains');
  list('Links that show one host and go to another', (s.link_mismatches || [])
    .map((m) => 'shows ' + m.shown_host + ', goes to ' + m.actual_host), 'mismatches');
  list('Header anomalies', s.header_anomalies, 'anomalies');
  list('Lure phrases', s.lures, 'lures');
  return parts;
}

function preview(item) {
  return h('blockquote', { class: 'preview' }, item.preview || '(no text)');
}

export async function render(container, session) {
  const base = '/v1/accounts/' + seg(session.account) + '/reviews';
  const list = h('div', { id: 'review-list' });
  const decided = h('div', { id: 'review-decided' });
  replace(container, h('h1', null, 'Reviews'),
    h('p', { class: 'lede' }, 'Webinar invites the abuse scanner held as spam or fraud. '
      + 'Release an invite that is legitimate, or confirm it to keep it blocked. Each decision '
      + 'is final and recorded with your name. Scanning is licensed by your terms and shows in '
      + 'the transparency report.'),
    list, h('h2', null, 'Decided'), decided);

  async function decide(item, action) {
    const release = action === 'release';
    const verdict = item.verdict === 'fraud' ? 'fraud' : 'spam';
    const go = await confirmDialog({
      title: (release ? 'Release ' : 'Confirm ') + item.content + '?',
      body: [
        h('p', null, release
          ? 'The invite is delivered as legitimate. This cannot be undone.'
          : 'The invite stays blocked as ' + VERDICTS[verdict].toLowerCase()
            + '. This cannot be undone.'),
        h('p', null, 'From ', h('strong', null, item.sender || '—'), ': ',
          h('strong', null, item.subject || '—')),
        preview(item),
        h('p', null, 'Your name is recorded as the reviewer.'),
      ],
      confirm: release ? 'Release' : 'Confirm as ' + VERDICTS[verdict].toLowerCase(),
      danger: release,
    });
    if (!go) {
      announce('No decision made');
      return;
    }
    clearError();
    try {
      const out = await session.api.post(base + '/' + seg(item.content) + '/' + action,
        release ? {} : { verdict });
      announce((release ? 'Released ' : 'Confirmed ') + item.content + ', recorded with '
        + out.reviewer + ' as the reviewer');
    } catch (e) {
      if (!(e instanceof ApiError)) {
        throw e;
      }
      showError(refusal(e, { role: session.role, action: action + ' held invites' }));
    }
    await load();
  }

  function heldRow(i) {
    return h('tr', { 'data-content': i.content },
      h('th', { scope: 'row', 'data-label': 'Invite' }, i.content),
      h('td', { 'data-label': 'Sender' }, i.sender || '—'),
      h('td', { 'data-label': 'Subject' }, i.subject || '—'),
      h('td', { 'data-label': 'Verdict' }, pill(VERDICTS[i.verdict] || i.verdict, 'off')),
      h('td', { 'data-label': 'Score', class: 'score' }, scoreWords(i)),
      h('td', { 'data-label': 'Why held' },
        h('details', { class: 'why-held' }, h('summary', null, 'Reasons and preview'),
          reasons(i), h('p', { class: 'reason-title' }, 'Message preview'), preview(i))),
      h('td', { 'data-label': 'Action' },
        h('button', { type: 'button', class: 'secondary small', 'data-action': 'release',
          'aria-label': 'Release ' + i.content, onclick: () => decide(i, 'release') },
        'Release…'), ' ',
        h('button', { type: 'button', class: 'primary small', 'data-action': 'confirm',
          'aria-label': 'Confirm ' + i.content + ' as ' + (VERDICTS[i.verdict] || i.verdict),
          onclick: () => decide(i, 'confirm') }, 'Confirm…')));
  }

  const searchText = (i) => [i.content, i.sender, i.subject, i.verdict, i.reviewer || '']
    .join(' ');
  const heldList = searchable({ id: 'reviews', noun: 'held invites', rows: [],
    text: searchText, empty: 'No invites are held.',
    table: (items) => h('table', { class: 'data', id: 'reviews-table' },
      h('caption', null, 'Held invites of ' + session.account + ', oldest first'),
      h('thead', null, h('tr', null, ['Invite', 'Sender', 'Subject', 'Verdict',
        'Score', 'Why held', 'Action'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map(heldRow))) });
  const decidedList = searchable({ id: 'decided', noun: 'reviewed invites', rows: [],
    text: searchText, empty: 'No invite has been reviewed yet.',
    table: (items) => h('table', { class: 'data', id: 'decided-table' },
      h('caption', null, 'Reviewed invites of ' + session.account + ', oldest first'),
      h('thead', null, h('tr', null, ['Invite', 'Subject', 'Scanner said', 'Decision',
        'Decided by', 'Decided at'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((i) => h('tr', { 'data-content': i.content },
        h('th', { scope: 'row', 'data-label': 'Invite' }, i.content),
        h('td', { 'data-label': 'Subject' }, i.subject || '—'),
        h('td', { 'data-label': 'Scanner said' }, (VERDICTS[i.scan.verdict]
          || i.scan.verdict) + ', ' + scoreWords(i)),
        h('td', { 'data-label': 'Decision' }, STATUS[i.status] || i.status),
        h('td', { 'data-label': 'Decided by', class: 'reviewer' }, i.reviewer),
        h('td', { 'data-label': 'Decided at', class: 'decided-at' }, i.decided_at
          ? when(i.decided_at) : 'not recorded'))))) });
  replace(list, heldList);
  replace(decided, decidedList);

  async function load() {
    const [held, done] = await Promise.all([session.api.get(base),
      session.api.get(base + query({ status: 'decided' }))]);
    heldList.update(held.items || []);
    decidedList.update(done.items || []);
  }

  await load();
}
