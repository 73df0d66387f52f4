// Reviews (ISSUE 9): invites the abuse scanner held as spam or fraud. An owner or admin releases
// a legitimate one or confirms it; each decision is final and the server says who made it.

import { seg } from '../api.js';
import { h, replace, pill } from '../dom.js';
import { refusal } from '../words.js';
import { announce, showError, clearError } from '../app.js';

const VERDICTS = { spam: 'Spam', fraud: 'Fraud', clean: 'Clean' };

export async function render(container, session) {
  const base = '/v1/accounts/' + seg(session.account) + '/reviews';
  const list = h('div', { id: 'review-list' });
  replace(container, h('h1', null, 'Reviews'),
    h('p', { class: 'lede' }, 'Webinar invites the abuse scanner held as spam or fraud. '
      + 'Release an invite that is legitimate, or confirm it to keep it blocked. Scanning is '
      + 'licensed by your terms and shows in the transparency report.'),
    list);

  async function decide(item, action) {
    clearError();
    try {
      await session.api.post(base + '/' + seg(item.content) + '/' + action,
        action === 'confirm' ? { verdict: item.verdict === 'fraud' ? 'fraud' : 'spam' } : {});
      announce((action === 'release' ? 'Released ' : 'Confirmed ') + item.content);
    } catch (e) {
      showError(refusal(e, { role: session.role, action: action + ' held invites' }));
    }
    await load();
  }

  async function load() {
    const data = await session.api.get(base);
    const items = data.items || [];
    replace(list, items.length === 0 ? h('p', { id: 'reviews-empty' }, 'No invites are held.')
      : h('table', { class: 'data', id: 'reviews-table' },
        h('caption', null, 'Held invites of ' + session.account + ', oldest first'),
        h('thead', null, h('tr', null, ['Invite', 'Sender', 'Subject', 'Verdict', 'Score',
          'Action'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, items.map((i) => h('tr', { 'data-content': i.content },
          h('th', { scope: 'row', 'data-label': 'Invite' }, i.content),
          h('td', { 'data-label': 'Sender' }, i.sender || '—'),
          h('td', { 'data-label': 'Subject' }, i.subject || '—'),
          h('td', { 'data-label': 'Verdict' }, pill(VERDICTS[i.verdict] || i.verdict, 'off')),
          h('td', { 'data-label': 'Score' }, Number(i.score).toFixed(3)),
          h('td', { 'data-label': 'Action' },
            h('button', { type: 'button', class: 'secondary small', 'data-action': 'release',
              'aria-label': 'Release ' + i.content, onclick: () => decide(i, 'release') },
            'Release'), ' ',
            h('button', { type: 'button', class: 'primary small', 'data-action': 'confirm',
              'aria-label': 'Confirm ' + i.content + ' as ' + (VERDICTS[i.verdict] || i.verdict),
              onclick: () => decide(i, 'confirm') }, 'Confirm')))))));
  }

  await load();
}
