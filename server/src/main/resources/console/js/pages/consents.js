// Consents (ARCHITECTURE.md §2, §7): AI training and product improvement, who gave or withdrew
// each and when, under which terms, and the signed receipt of each change to download. Before a
// withdrawal the console says what it will affect.

import { seg, ApiError, keptStore } from '../api.js';
import { searchable } from '../listing.js';
import { h, replace, when, pill } from '../dom.js';
import { CONSENTS, CONSENT_STATUS, consentLabel, refusal } from '../words.js';
import { confirmDialog } from '../dialog.js';
import { announce, showError, clearError, permissions } from '../app.js';

const RECEIPTS_KEY = 'covenant.console.receipts';

/** Receipts this browser was handed, by account and ledger position (the API returns each once). */
function keptReceipts() {
  try {
    return JSON.parse(keptStore.get(RECEIPTS_KEY) || '{}');
  } catch (e) {
    return {};
  }
}

function keepReceipt(account, position, receipt) {
  const all = keptReceipts();
  all[account + '#' + position] = receipt;
  keptStore.set(RECEIPTS_KEY, JSON.stringify(all));
}

export function receiptFor(account, position) {
  return keptReceipts()[account + '#' + position] || null;
}

/** The terms the account had accepted last at or before an instant. */
function termsAt(history, at) {
  let last = null;
  for (const t of history) {
    if (new Date(t.at) <= new Date(at)) {
      last = t.terms;
    }
  }
  return last;
}

/**
 * The receipt document as `covenant receipt verify` reads it: the signed body, the signature and
 * the log evidence. The API adds where the consent event sits in the ledger beside it; that is
 * shown on the page but is not part of the signed document.
 */
function receiptDocument(receipt) {
  return { receipt: receipt.receipt, signature: receipt.signature, log: receipt.log };
}

function downloadLink(receipt, id) {
  const text = JSON.stringify(receiptDocument(receipt), null, 2) + '\n';
  const blob = new Blob([text], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const name = (receipt.receipt && receipt.receipt.receipt_id ? receipt.receipt.receipt_id
    : 'consent-receipt') + '.json';
  return h('a', { href: url, download: name, id, class: 'button-link' },
    'Download signed receipt (' + name + ')');
}

export async function render(container, session) {
  const perm = permissions(session);
  const base = '/v1/accounts/' + seg(session.account);
  const cards = h('div', { class: 'cards', id: 'consent-cards' });
  const history = h('div', { id: 'consent-history' });
  const latest = h('div', { id: 'latest-receipt', 'aria-live': 'polite' });
  replace(container,
    h('h1', null, 'Consents'),
    h('p', { class: 'lede' }, 'Your content is never used to train AI models or to improve '
      + 'products unless the account gives consent here. ',
    perm.changeConsents ? 'As ' + (session.role === 'operator' ? 'the operator' : 'an '
      + session.role) + ' you can give or withdraw each one; every change returns a signed '
      + 'receipt.' : 'Only the owner or an admin can change them.'),
    latest, cards, h('h2', null, 'History'), history);

  const historyList = searchable({ id: 'consent-history', noun: 'consent changes', rows: [],
    pageSize: 20, empty: 'No consent was ever given.',
    text: (x) => [consentLabel(x.consent), x.action === 'granted' ? 'given' : 'withdrawn', x.by,
      x.terms, x.at].join(' '),
    table: (rows) => h('table', { class: 'data', id: 'consent-history-table' },
      h('caption', null, 'Every consent change of ' + session.account + ', oldest first'),
      h('thead', null, h('tr', null, ['When', 'Consent', 'Change', 'By', 'Terms in force',
        'Receipt'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows.map((x) => {
        const r = receiptFor(session.account, x.position);
        return h('tr', null,
          h('td', { 'data-label': 'When' }, when(x.at)),
          h('td', { 'data-label': 'Consent' }, consentLabel(x.consent)),
          h('td', { 'data-label': 'Change' }, x.action === 'granted' ? 'Given' : 'Withdrawn'),
          h('td', { 'data-label': 'By' }, x.by),
          h('td', { 'data-label': 'Terms in force' }, x.terms),
          h('td', { 'data-label': 'Receipt' }, r ? downloadLink(r, null)
            : h('span', { class: 'muted' }, 'Issued at the time (ledger position '
              + x.position + ')')));
      }))) });
  replace(history, historyList);

  async function load() {
    const [data, info] = await Promise.all([session.api.get(base + '/consents'),
      session.api.get(base)]);
    session.info = info;
    draw(data, info);
  }

  function draw(data, info) {
    const termsHistory = info.terms_history || [];
    replace(cards, data.consents.map((c) => {
      const meta = CONSENTS[c.consent] || { label: c.consent, help: '' };
      const last = [...data.history].reverse().find((x) => x.consent === c.consent);
      const inForce = c.status === 'in_force';
      const id = 'consent-' + c.consent;
      return h('section', { class: 'card consent', id, 'aria-labelledby': id + '-title' },
        h('h2', { id: id + '-title' }, meta.label),
        h('p', null, meta.help),
        h('p', { class: 'consent-status' }, 'Status: ',
          pill(CONSENT_STATUS[c.status] || c.status, inForce ? 'on' : 'off')),
        last ? h('p', { class: 'muted' }, (last.action === 'granted' ? 'Given' : 'Withdrawn')
          + ' by ', h('strong', null, last.by), ' on ', when(last.at), ' under the terms ',
        h('strong', null, termsAt(termsHistory, last.at) || 'none')) : null,
        perm.changeConsents ? h('button', {
          type: 'button', id: id + (inForce ? '-withdraw' : '-grant'),
          class: inForce ? 'danger' : 'primary',
          onclick: () => (inForce ? withdraw(c.consent) : grant(c.consent, info)),
        }, inForce ? 'Withdraw consent' : 'Give consent') : null);
    }));
    historyList.update(data.history.map((x) => ({ ...x,
      terms: termsAt(termsHistory, x.at) || 'none' })));
  }

  /** The clauses of the current terms that this consent unlocks, as titles. */
  async function clausesFor(consent, info) {
    const hist = info.terms_history || [];
    if (!hist.length) {
      return { terms: null, clauses: [] };
    }
    const name = hist[hist.length - 1].terms;
    const t = await session.api.get('/v1/terms/' + seg(name));
    const clauses = t.clauses.filter((cl) => (cl.when || []).concat(cl.unless || [])
      .some((cond) => Object.values(cond).includes(consent)));
    return { terms: name, clauses };
  }

  async function grant(consent, info) {
    const meta = CONSENTS[consent];
    const { terms, clauses } = await clausesFor(consent, info);
    const ok = await confirmDialog({
      title: 'Give ' + meta.label + ' consent?',
      body: [
        h('p', null, meta.help),
        terms ? h('p', null, 'Under the terms ', h('strong', null, terms),
          ' this allows:') : h('p', null, 'This account has accepted no terms yet.'),
        clauses.length ? h('ul', null, clauses.map((cl) => h('li', null, cl.title,
          ' ', h('span', { class: 'muted' }, '(' + cl.cite + ')')))) : null,
        h('p', null, 'Content from other accounts in your meetings is used only if they '
          + 'consent too. You can withdraw at any time; you get a signed receipt.'),
      ],
      confirm: 'Give consent',
      danger: true,
    });
    if (ok) {
      await change(consent, 'grant');
    } else {
      announce('No change made');
    }
  }

  async function withdraw(consent) {
    const meta = CONSENTS[consent];
    const purpose = meta.purpose;
    const affects = [h('li', null, session.info.content + ' content items of this account '
      + 'can no longer be used for ' + meta.use
      + ', including those captured while consent was given.')];
    if (perm.admin) {
      try {
        const report = await session.api.get(base + '/transparency');
        const used = report.uses.filter((u) => u.purpose === purpose)
          .reduce((n, u) => n + u.count, 0);
        affects.push(h('li', null, used + ' uses for ' + meta.use
          + ' were allowed in the last 30 days; from now on each is refused with the reason '
          + '"consent withdrawn".'));
      } catch (e) {
        // The report is extra context; the withdrawal stands without it.
      }
    }
    affects.push(h('li', null, 'Data sets already built for this purpose must be rebuilt '
      + 'without your content (the training pipeline reads the withdrawal from the ledger).'));
    const ok = await confirmDialog({
      title: 'Withdraw ' + meta.label + ' consent?',
      body: [h('p', null, 'This takes effect at once and will affect:'),
        h('ul', { id: 'withdraw-effects' }, affects)],
      confirm: 'Withdraw consent',
      danger: true,
    });
    if (ok) {
      await change(consent, 'withdraw');
    } else {
      announce('No change made');
    }
  }

  async function change(consent, action) {
    clearError();
    let out;
    try {
      out = await session.api.post(base + '/consents/' + seg(consent) + ':' + action);
    } catch (e) {
      if (e instanceof ApiError) {
        showError(refusal(e, { role: session.role,
          action: action + ' ' + consentLabel(consent) + ' consent' }));
        return;
      }
      throw e;
    }
    const label = consentLabel(consent) + ' consent ' + (action === 'grant' ? 'given'
      : 'withdrawn');
    // The cards and the history first, then the receipt: whatever shows the receipt also
    // shows the state it is the receipt of.
    await load();
    if (out.receipt) {
      keepReceipt(session.account, out.position, out.receipt);
      replace(latest, h('div', { class: 'card success', id: 'receipt-card' },
        h('h2', null, label),
        h('dl', { class: 'facts', id: 'receipt-numbers' },
          h('dt', null, 'Ledger position'), h('dd', { id: 'receipt-position' },
            String(out.position), h('span', { class: 'muted' }, ' (the change\'s number in '
              + 'the governance ledger)')),
          h('dt', null, 'Log entry'), h('dd', { id: 'receipt-entry' },
            h('a', { href: '#/log?entry=' + out.receipt.log.leaf_index },
              String(out.receipt.log.leaf_index)),
            h('span', { class: 'muted' }, ' (the receipt\'s place in the transparency log)'))),
        h('p', null, 'The receipt is signed by the transparency log key and proves its place '
          + 'in the log.'),
        h('p', null, downloadLink(out.receipt, 'receipt-download'), ' ',
          h('a', { href: '#/log?receipt=' + out.position }, 'Verify it in this browser'))));
    } else {
      replace(latest, h('div', { class: 'card', id: 'receipt-card' }, h('h2', null, label),
        h('p', null, 'This server keeps no transparency log, so it issued no receipt.')));
    }
    announce(label);
  }

  await load();
}
