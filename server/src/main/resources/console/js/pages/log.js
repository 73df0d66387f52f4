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

  async function fetchCheckpoint() {
    checkpoint = merkle.parseCheckpoint(await pub.get('/log/checkpoint'));
    return checkpoint;
  }

  // ---- checkpoint and its signature

  const keyInput = h('input', { id: 'vkey', type: 'text', spellcheck: 'false',
    autocomplete: 'off', value: keptStore.get(VKEY) || '',
    'aria-describedby': 'vkey-help' });
  const sigOut = h('p', { id: 'signature-result', 'aria-live': 'polite' });
  async function checkSignature() {
    const text = keyInput.value.trim();
    if (!text) {
      vkey = null;
      replace(sigOut, 'No verifier key given: the signature is not checked.');
      return;
    }
    try {
      vkey = await merkle.parseVerifierKey(text);
    } catch (e) {
      vkey = null;
      replace(sigOut, h('span', { class: 'bad' }, '✗ ' + e.message));
      return;
    }
    keptStore.set(VKEY, text);
    const ok = await merkle.verifyNote(checkpoint, vkey);
    replace(sigOut, ok ? h('span', { class: 'good' }, '✓ Signature verified: the checkpoint '
      + 'was signed by ' + vkey.name + '.')
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
      h('div', { class: 'field' }, h('label', { for: 'vkey' }, 'Log verifier key (optional)'),
        keyInput, h('p', { class: 'help', id: 'vkey-help' }, 'What ', h('code', null,
          'covenant log key'), ' prints, published to auditors. With it, the signatures are '
          + 'checked too.')),
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
        replace(verdict, h('span', { class: 'bad' }, 'Entry ' + index + ' is not in the log '
          + '(it holds ' + checkpoint.size + ' entries, numbered from 0).'));
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
      step(true, 'Fetched entry ' + index + ' (' + data.length + ' bytes) from ' + path + '.');
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
      replace(verdict, ok ? h('strong', { class: 'good' }, '✓ Verified: entry ' + index
        + ' is in the log of ' + checkpoint.size + ' entries.')
        : h('strong', { class: 'bad' }, '✗ Not verified: the proof does not match the '
          + 'checkpoint.'));
      let shown;
      try {
        shown = JSON.stringify(JSON.parse(new TextDecoder().decode(data)), null, 2);
      } catch (e) {
        shown = merkle.hex(data);
      }
      replace(leafView, h('h3', null, 'Entry ' + index),
        h('p', { class: 'muted' }, 'Names of people are replaced by salted hashes.'),
        h('pre', { id: 'leaf-json' }, shown));
      return ok;
    }
    replace(verdict, h('span', { class: 'bad' }, 'The log kept changing; try again.'));
    return false;
  }

  function drawInclusion() {
    indexInput.value = String(Math.max(0, checkpoint.size - 1));
    indexInput.max = String(checkpoint.size - 1);
    replace(incl, h('h2', { id: 'incl-title' }, 'Check that an entry is in the log'),
      h('form', { id: 'inclusion-form', class: 'inline-form', onsubmit: (ev) => {
        ev.preventDefault();
        verifyEntry(Number(indexInput.value));
      } },
      h('div', { class: 'field' }, h('label', { for: 'leaf-index' }, 'Entry number'),
        indexInput),
      h('button', { type: 'submit', class: 'primary', id: 'verify-inclusion' },
        'Verify inclusion')),
      verdict, steps, leafView);
  }

  // ---- a consent receipt

  const rcptSteps = h('ol', { id: 'receipt-steps', class: 'steps' });
  const rcptVerdict = h('p', { id: 'receipt-result', 'aria-live': 'polite' });

  async function verifyReceipt(doc) {
    replace(rcptSteps);
    const step = (ok, text) => rcptSteps.appendChild(h('li', { class: ok ? 'good' : 'bad' },
      (ok ? '✓ ' : '✗ ') + text));
    let all = true;
    try {
      const body = merkle.utf8(merkle.canonical(doc.receipt));
      const leaf = await merkle.leafHash(body);
      const cp = merkle.parseCheckpoint(doc.log.checkpoint);
      const path = doc.log.inclusion_proof.map(merkle.b64decode);
      const inLog = await merkle.verifyInclusion(doc.log.leaf_index, cp.size, leaf, path,
        cp.root);
      all = all && inLog;
      step(inLog, 'The receipt (' + doc.receipt.consent_type + ', ' + doc.receipt.state
        + ', ' + doc.receipt.timestamp + ') is entry ' + doc.log.leaf_index
        + ' of the log of ' + cp.size + ' entries in the receipt.');
      if (vkey) {
        const signed = await merkle.verifySignature(vkey, doc.signature.ed25519, body);
        const cpSigned = await merkle.verifyNote(cp, vkey);
        all = all && signed && cpSigned;
        step(signed, 'The receipt is signed by the log key.');
        step(cpSigned, 'Its checkpoint is signed by the log key.');
      } else {
        step(true, 'Signatures not checked (no verifier key above).');
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
    replace(rcptVerdict, all ? h('strong', { class: 'good' }, '✓ Receipt verified.')
      : h('strong', { class: 'bad' }, '✗ The receipt does not verify.'));
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
  if (keyInput.value) {
    await checkSignature();
  }
  const position = params.get('receipt');
  const kept = position ? receiptFor(session.account, position) : null;
  if (kept) {
    await verifyReceipt(kept);
  }
}
