// The transparency log (ARCHITECTURE.md §7): the current signed checkpoint, and proofs checked
// here in the browser with WebCrypto: an entry's inclusion (RFC 9162 §2.1.3), a consent receipt's
// inclusion and signature, and the consistency of the receipt's tree with today's (§2.1.4).

import { client, query, keptStore } from '../api.js';
import { h, replace } from '../dom.js';
import * as merkle from '../merkle.js';
import { receiptFor } from './consents.js';

const VKEY = 'covenant.console.vkey';

export async function render(container, session, params) {
  // The log routes are public: no token is needed to audit it.
  const pub = client(null);
  const cpBox = h('section', { class: 'card', id: 'checkpoint', 'aria-labelledby': 'cp-title' });
  const incl = h('section', { class: 'card', id: 'inclusion', 'aria-labelledby': 'incl-title' });
  const rcpt = h('section', { class: 'card', id: 'receipt-check',
    'aria-labelledby': 'rcpt-title' });
  replace(container, h('h1', null, 'Transparency log'),
    h('p', { class: 'lede' }, 'Every accepted ledger event and every batch of decisions is a '
      + 'leaf of an append-only Merkle tree. The server signs its head (the checkpoint). This '
      + 'page re-does the hashing in your browser, so you do not have to trust the server\'s '
      + 'word for it.'),
    cpBox, incl, rcpt);

  let checkpoint = null;
  let vkey = null;
  // The key this server publishes at /log/key: used unless the reader pastes their own.
  let servedKey = '';
  try {
    servedKey = String(await pub.get('/log/key')).trim();
  } catch (e) {
    servedKey = '';
  }

  async function fetchCheckpoint() {
    checkpoint = merkle.parseCheckpoint(await pub.get('/log/checkpoint'));
    return checkpoint;
  }

  // ---- checkpoint and its signature

  const keyInput = h('input', { id: 'vkey', type: 'text', spellcheck: 'false',
    autocomplete: 'off', value: keptStore.get(VKEY) || '',
    'aria-describedby': 'vkey-help' });
  const sigOut = h('p', { id: 'signature-result', 'aria-live': 'polite' });
  /** The key to check with: the reader's own if given, else the one the server publishes. */
  function keyText() {
    return keyInput.value.trim() || servedKey;
  }
  function keySource() {
    return keyInput.value.trim() ? 'the key you gave' : 'the key this server publishes at '
      + '/log/key (compare it with the one your auditor has)';
  }
  async function checkSignature() {
    const text = keyText();
    if (!text) {
      vkey = null;
      replace(sigOut, h('span', { class: 'skipped' }, '– Not checked: this server publishes '
        + 'no verifier key and none was given.'));
      return;
    }
    try {
      vkey = await merkle.parseVerifierKey(text);
    } catch (e) {
      vkey = null;
      replace(sigOut, h('span', { class: 'bad' }, '✗ ' + e.message));
      return;
    }
    if (keyInput.value.trim()) {
      keptStore.set(VKEY, text);
    }
    const ok = await merkle.verifyNote(checkpoint, vkey);
    replace(sigOut, ok ? h('span', { class: 'good' }, '✓ Signature verified: the checkpoint '
      + 'was signed by ' + vkey.name + ', checked with ' + keySource() + '.')
      : h('span', { class: 'bad' }, '✗ The checkpoint is not signed by this key.'));
  }

  function drawCheckpoint() {
    const sig = checkpoint.signatures[0];
    replace(cpBox, h('h2', { id: 'cp-title' }, 'Current checkpoint'),
      h('dl', { class: 'facts' },
        h('dt', null, 'Log'), h('dd', null, checkpoint.origin),
        h('dt', null, 'Entries'), h('dd', { id: 'cp-size' }, checkpoint.size.toLocaleString()),
        h('dt', null, 'Root hash'), h('dd', null, h('code', { id: 'cp-root', class: 'hash' },
          merkle.hex(checkpoint.root))),
        h('dt', null, 'Signed by'), h('dd', null, sig ? sig.name + ' (key id '
          + merkle.hex(sig.bytes.slice(0, 4)) + ')' : 'nobody')),
      h('details', null, h('summary', null, 'The signed note as served'),
        h('pre', { id: 'cp-note' }, checkpoint.text)),
      h('div', { class: 'field' }, h('label', { for: 'vkey' },
        'Your own verifier key (optional)'),
      keyInput, h('p', { class: 'help', id: 'vkey-help' }, 'Signatures are checked with the key '
          + 'this server publishes at ', h('code', null, '/log/key'), servedKey
          ? [' (', h('code', { id: 'served-key', class: 'hash' }, servedKey), ')'] : null,
        '. Paste what ', h('code', null, 'covenant log key'), ' printed for your auditor to '
          + 'check against that key instead.')),
      h('button', { type: 'button', class: 'secondary', id: 'check-signature',
        onclick: checkSignature }, 'Check the signature'),
      sigOut);
  }

  // ---- inclusion of one entry

  const indexInput = h('input', { id: 'leaf-index', type: 'number', min: '0', step: '1',
    inputmode: 'numeric' });
  const steps = h('ol', { id: 'inclusion-steps', class: 'steps' });
  const verdict = h('p', { id: 'inclusion-result', 'aria-live': 'polite' });
  const leafView = h('div', { id: 'leaf-view' });

  async function verifyEntry(index) {
    replace(steps);
    replace(verdict, 'Checking…');
    replace(leafView);
    const step = (ok, text) => steps.appendChild(h('li', { class: ok ? 'good' : 'bad' },
      (ok ? '✓ ' : '✗ ') + text));
    for (let attempt = 0; attempt < 3; attempt++) {
      await fetchCheckpoint();
      drawCheckpoint();
      if (!(index >= 0 && index < checkpoint.size)) {
        replace(verdict, h('span', { class: 'bad' }, 'Log entry ' + index + ' is not in the '
          + 'log (it holds ' + checkpoint.size + ' entries, numbered from 0).'));
        return false;
      }
      const path = merkle.bundlePath(index, checkpoint.size);
      const res = await fetch('/log/tile/' + path, { cache: 'no-store' });
      if (res.status === 404) {
        continue; // The log grew and tiled on: take the newer checkpoint.
      }
      const entries = merkle.bundleEntries(new Uint8Array(await res.arrayBuffer()));
      const data = entries[index % 256];
      if (!data) {
        step(false, 'The entry bundle ' + path + ' has no entry ' + index + '.');
        replace(verdict, h('span', { class: 'bad' }, 'Not verified.'));
        return false;
      }
      step(true, 'Fetched log entry ' + index + ' (' + data.length + ' bytes) from ' + path + '.');
      const leaf = await merkle.leafHash(data);
      step(true, 'Leaf hash SHA-256(0x00 ‖ entry) = ' + merkle.hex(leaf).slice(0, 16) + '…');
      const proof = await pub.get('/log/proofs/inclusion' + query({ index,
        size: checkpoint.size }));
      const pathHashes = proof.path.map(merkle.b64decode);
      step(true, 'Fetched the inclusion proof: ' + pathHashes.length + ' sibling hashes.');
      const root = await merkle.rootFromInclusion(index, checkpoint.size, leaf, pathHashes);
      const ok = root !== null && merkle.equal(root, checkpoint.root);
      step(ok, root === null ? 'The proof has the wrong shape for this entry.'
        : 'Hashing up the path gives ' + merkle.hex(root).slice(0, 16) + '…, '
          + (ok ? 'equal to' : 'NOT equal to') + ' the checkpoint root.');
      replace(verdict, ok ? h('strong', { class: 'good' }, '✓ Verified: log entry ' + index
        + ' is in the log of ' + checkpoint.size + ' entries.')
        : h('strong', { class: 'bad' }, '✗ Not verified: the proof does not match the '
          + 'checkpoint.'));
      let shown;
      let parsed = null;
      try {
        parsed = JSON.parse(new TextDecoder().decode(data));
        shown = JSON.stringify(parsed, null, 2);
      } catch (e) {
        shown = merkle.hex(data);
      }
      replace(leafView, h('h3', null, 'Log entry ' + index),
        h('p', { id: 'leaf-kind' }, leafKind(parsed, index)),
        h('p', { class: 'muted' }, 'Names of people are replaced by salted hashes.'),
        h('pre', { id: 'leaf-json' }, shown));
      return ok;
    }
    replace(verdict, h('span', { class: 'bad' }, 'The log kept changing; try again.'));
    return false;
  }

  /** What a log entry records, naming the ledger position where it is a ledger event. */
  function leafKind(leaf, index) {
    if (leaf && typeof leaf.position === 'number') {
      return 'Log entry ' + index + ' records the ledger event at ledger position '
        + leaf.position + '. Log entries and ledger positions are different numbers.';
    }
    if (leaf && Array.isArray(leaf.decisions)) {
      return 'Log entry ' + index + ' records a batch of decisions, not a ledger event.';
    }
    if (leaf && leaf.consent_type) {
      return 'Log entry ' + index + ' is a consent receipt.';
    }
    return 'Log entry ' + index + '.';
  }

  function drawInclusion() {
    const wanted = Number(params.get('entry'));
    indexInput.value = String(params.has('entry') && wanted >= 0 ? wanted
      : Math.max(0, checkpoint.size - 1));
    indexInput.max = String(checkpoint.size - 1);
    indexInput.setAttribute('aria-describedby', 'leaf-index-help');
    replace(incl, h('h2', { id: 'incl-title' }, 'Check that a log entry is in the log'),
      h('form', { id: 'inclusion-form', class: 'inline-form', onsubmit: (ev) => {
        ev.preventDefault();
        verifyEntry(Number(indexInput.value));
      } },
      h('div', { class: 'field' }, h('label', { for: 'leaf-index' }, 'Log entry number'),
        indexInput, h('p', { class: 'help', id: 'leaf-index-help' }, 'The place in the '
          + 'transparency log, counted from 0: not a ledger position. A receipt names its '
          + 'log entry.')),
      h('button', { type: 'submit', class: 'primary', id: 'verify-inclusion' },
        'Verify inclusion')),
      verdict, steps, leafView);
  }

  // ---- a consent receipt

  const rcptSteps = h('ol', { id: 'receipt-steps', class: 'steps' });
  const rcptVerdict = h('p', { id: 'receipt-result', 'aria-live': 'polite' });

  async function verifyReceipt(doc) {
    replace(rcptSteps);
    const step = (ok, text, extra) => rcptSteps.appendChild(h('li', { class: ok === null
      ? 'skipped' : ok ? 'good' : 'bad' }, (ok === null ? '– ' : ok ? '✓ ' : '✗ ') + text,
    extra || null));
    let all = true;
    let signaturesChecked = false;
    try {
      const body = merkle.utf8(merkle.canonical(doc.receipt));
      const leaf = await merkle.leafHash(body);
      const cp = merkle.parseCheckpoint(doc.log.checkpoint);
      const path = doc.log.inclusion_proof.map(merkle.b64decode);
      const inLog = await merkle.verifyInclusion(doc.log.leaf_index, cp.size, leaf, path,
        cp.root);
      all = all && inLog;
      step(inLog, 'The receipt (' + doc.receipt.consent_type + ', ' + doc.receipt.state
        + ', ' + doc.receipt.timestamp + ') is log entry ' + doc.log.leaf_index
        + ' of the log of ' + cp.size + ' entries in the receipt. ', h('a', {
        id: 'receipt-entry-link', href: '#/log?entry=' + doc.log.leaf_index },
      'Check log entry ' + doc.log.leaf_index));
      if (!vkey && keyText()) {
        try {
          vkey = await merkle.parseVerifierKey(keyText());
        } catch (e) {
          vkey = null;
        }
      }
      if (vkey) {
        signaturesChecked = true;
        const signed = await merkle.verifySignature(vkey, doc.signature.ed25519, body);
        const cpSigned = await merkle.verifyNote(cp, vkey);
        all = all && signed && cpSigned;
        step(signed, 'The receipt is signed by the log key (' + keySource() + ').');
        step(cpSigned, 'Its checkpoint is signed by the log key.');
      } else {
        step(null, 'Signatures not checked: no verifier key is published or given.');
      }
      await fetchCheckpoint();
      drawCheckpoint();
      if (cp.size <= checkpoint.size) {
        const proof = await pub.get('/log/proofs/consistency' + query({ from: cp.size,
          to: checkpoint.size }));
        const consistent = await merkle.verifyConsistency(cp.size, checkpoint.size, cp.root,
          checkpoint.root, proof.path.map(merkle.b64decode));
        all = all && consistent;
        step(consistent, 'Today\'s log of ' + checkpoint.size + ' entries extends the one in '
          + 'the receipt: nothing was removed or changed since.');
      } else {
        all = false;
        step(false, 'The receipt names a larger log than the server has now.');
      }
    } catch (e) {
      all = false;
      step(false, 'The receipt could not be read: ' + e.message);
    }
    replace(rcptVerdict, !all ? h('strong', { class: 'bad' }, '✗ The receipt does not verify.')
      : signaturesChecked ? h('strong', { class: 'good' }, '✓ Receipt verified.')
        : h('strong', { class: 'skipped' }, 'Receipt in the log, signatures not checked.'));
    return all;
  }

  function drawReceipt() {
    const file = h('input', { type: 'file', id: 'receipt-file', accept: '.json,application/json' });
    file.addEventListener('change', async () => {
      const f = file.files[0];
      if (!f) {
        return;
      }
      try {
        await verifyReceipt(JSON.parse(await f.text()));
      } catch (e) {
        replace(rcptVerdict, h('strong', { class: 'bad' }, '✗ Not a receipt file: '
          + e.message));
      }
    });
    replace(rcpt, h('h2', { id: 'rcpt-title' }, 'Check a consent receipt'),
      h('div', { class: 'field' }, h('label', { for: 'receipt-file' }, 'Receipt file (JSON)'),
        file),
      rcptVerdict, rcptSteps);
  }

  await fetchCheckpoint();
  drawCheckpoint();
  drawInclusion();
  drawReceipt();
  await checkSignature();
  const position = params.get('receipt');
  const kept = position ? receiptFor(session.account, position) : null;
  if (kept) {
    await verifyReceipt(kept);
  }
  if (params.has('entry')) {
    await verifyEntry(Number(indexInput.value));
  }
}
