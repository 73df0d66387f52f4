// Verification of the transparency log in the browser with WebCrypto: RFC 9162 §2.1 hashing
// (leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right)), inclusion (§2.1.3.2)
// and consistency (§2.1.4.2) proofs, C2SP checkpoints and signed notes (Ed25519), and RFC 8785
// canonical JSON for consent receipts. Nothing here trusts the server's own hashes.

const enc = new TextEncoder();

export function b64decode(s) {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) {
    out[i] = bin.charCodeAt(i);
  }
  return out;
}

export function b64encode(bytes) {
  let s = '';
  for (const b of bytes) {
    s += String.fromCharCode(b);
  }
  return btoa(s);
}

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function equal(a, b) {
  if (a.length !== b.length) {
    return false;
  }
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    d |= a[i] ^ b[i];
  }
  return d === 0;
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** RFC 9162 leaf hash of entry bytes. */
export function leafHash(data) {
  return sha256(concat(Uint8Array.of(0), data));
}

/** RFC 9162 interior node hash. */
export function nodeHash(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}

const half = (n) => Math.floor(n / 2);
const odd = (n) => n % 2 === 1;

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or null when the proof has the
 * wrong shape for this index and size.
 */
export async function rootFromInclusion(index, size, leaf, path) {
  if (index < 0 || index >= size) {
    return null;
  }
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) {
      return null;
    }
    if (odd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
}

/** Whether `path` proves leaf `leaf` at `index` in the tree of `size` leaves with `root`. */
export async function verifyInclusion(index, size, leaf, path, root) {
  const r = await rootFromInclusion(index, size, leaf, path);
  return r !== null && equal(r, root);
}

/** Whether `path` proves the tree of `first` leaves is a prefix of the one of `second` (§2.1.4.2). */
export async function verifyConsistency(first, second, firstRoot, secondRoot, path) {
  if (first > second || first < 1) {
    return false;
  }
  if (first === second) {
    return path.length === 0 && equal(firstRoot, secondRoot);
  }
  let p = path.slice();
  if ((first & (first - 1)) === 0 && first < 2 ** 31) {
    p = [firstRoot].concat(p);
  }
  if (p.length === 0) {
    return false;
  }
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = p[0];
  let sr = p[0];
  for (const c of p.slice(1)) {
    if (sn === 0) {
      return false;
    }
    if (odd(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equal(fr, firstRoot) && equal(sr, secondRoot);
}

/** A C2SP checkpoint note: origin, size, root and the signature lines. */
export function parseCheckpoint(text) {
  const cut = text.indexOf('\n\n');
  if (cut < 0) {
    throw new Error('the checkpoint has no signature block');
  }
  const body = text.slice(0, cut + 1);
  const lines = body.split('\n');
  if (lines.length < 4 || !/^[0-9]+$/.test(lines[1])) {
    throw new Error('the checkpoint body is not origin, size, root');
  }
  const signatures = text.slice(cut + 2).split('\n').filter((l) => l.startsWith('\u2014 '))
    .map((l) => {
      const [name, sig] = l.slice(2).split(' ');
      return { name, bytes: b64decode(sig) };
    });
  return {
    text,
    body,
    origin: lines[0],
    size: Number(lines[1]),
    root: b64decode(lines[2]),
    signatures,
  };
}

/** A C2SP signed-note verifier key `name+hash+base64(0x01 || key)`. */
export async function parseVerifierKey(text) {
  // The name holds no '+', the key id is 8 hex digits, and the base64 key may hold '+'.
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim());
  if (!m) {
    throw new Error('a verifier key reads name+8 hex digits+base64');
  }
  const parts = m.slice(1);
  const raw = b64decode(parts[2]);
  if (raw.length !== 33 || raw[0] !== 1) {
    throw new Error('the key is not an Ed25519 signed-note key');
  }
  const id = (await sha256(concat(enc.encode(parts[0] + '\n'), raw))).slice(0, 4);
  if (hex(id) !== parts[1]) {
    throw new Error('the key id does not match the key');
  }
  const key = await crypto.subtle.importKey('raw', raw.slice(1), { name: 'Ed25519' }, false,
    ['verify']);
  return { name: parts[0], id, key };
}

/** Whether one of the note's signatures is by `vkey` and verifies over the note body. */
export async function verifyNote(note, vkey) {
  for (const s of note.signatures) {
    if (s.name === vkey.name && s.bytes.length === 68 && equal(s.bytes.slice(0, 4), vkey.id)) {
      return crypto.subtle.verify({ name: 'Ed25519' }, vkey.key, s.bytes.slice(4),
        enc.encode(note.body));
    }
  }
  return false;
}

/** Whether `signature` (base64) is `vkey`'s Ed25519 signature of `bytes`. */
export function verifySignature(vkey, signature, bytes) {
  return crypto.subtle.verify({ name: 'Ed25519' }, vkey.key, b64decode(signature), bytes);
}

/** RFC 8785 canonical JSON (keys sorted by UTF-16 code units; ECMAScript number and string forms). */
export function canonical(value) {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new Error('canonical JSON has no ' + value);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return '[' + value.map(canonical).join(',') + ']';
  }
  const keys = Object.keys(value).sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonical(value[k])).join(',') + '}';
}

export function utf8(text) {
  return enc.encode(text);
}

/** The entries of a tlog-tiles entry bundle (big-endian uint16 length, then the bytes). */
export function bundleEntries(bytes) {
  const out = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) {
      throw new Error('the entry bundle is truncated');
    }
    const len = (bytes[at] << 8) | bytes[at + 1];
    if (at + 2 + len > bytes.length) {
      throw new Error('an entry runs past the end of the bundle');
    }
    out.push(bytes.slice(at + 2, at + 2 + len));
    at += 2 + len;
  }
  return out;
}

/** The tlog-tiles path of the entry bundle holding leaf `index` in a tree of `size` leaves. */
export function bundlePath(index, size) {
  const n = Math.floor(index / 256);
  const width = Math.min(256, size - n * 256);
  let s = String(n % 1000).padStart(3, '0');
  let rest = Math.floor(n / 1000);
  while (rest > 0) {
    s = 'x' + String(rest % 1000).padStart(3, '0') + '/' + s;
    rest = Math.floor(rest / 1000);
  }
  return 'entries/' + s + (width < 256 ? '.p/' + width : '');
}
