// The console's one door to the Covenant API: bearer token, JSON in and out, and RFC 9457
// problems turned into ApiError values that carry the problem's code, status and field.

const TOKEN_KEY = 'covenant.console.token';

/** A refused or failed request: `code` is the problem's error code (`setting_locked`, …). */
export class ApiError extends Error {
  constructor(status, code, detail, field) {
    super(detail || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail || '';
    this.field = field || '';
  }
}

/**
 * Browser storage that never throws: where the browser refuses storage (privacy settings, an
 * opaque origin), values live in memory for the life of the page instead.
 */
function safeStorage(pick) {
  const memory = new Map();
  const area = () => {
    try {
      return pick();
    } catch (e) {
      return null;
    }
  };
  return {
    get(key) {
      try {
        const a = area();
        return a ? a.getItem(key) : (memory.has(key) ? memory.get(key) : null);
      } catch (e) {
        return memory.has(key) ? memory.get(key) : null;
      }
    },
    set(key, value) {
      memory.set(key, value);
      try {
        const a = area();
        if (a) {
          a.setItem(key, value);
        }
      } catch (e) {
        // Kept in memory only.
      }
    },
    remove(key) {
      memory.delete(key);
      try {
        const a = area();
        if (a) {
          a.removeItem(key);
        }
      } catch (e) {
        // Nothing stored to remove.
      }
    },
  };
}

/** Per-tab storage: gone when the tab closes (tokens, the chosen account). */
export const tabStore = safeStorage(() => window.sessionStorage);

/** Storage that outlives the tab (receipts handed to this browser, the auditor's key). */
export const keptStore = safeStorage(() => window.localStorage);

/** The token of this browser tab. */
export function savedToken() {
  return tabStore.get(TOKEN_KEY) || '';
}

export function saveToken(token) {
  tabStore.set(TOKEN_KEY, token);
}

export function forgetToken() {
  tabStore.remove(TOKEN_KEY);
}

/** A client bound to one token. */
export function client(token) {
  async function send(method, path, body) {
    const headers = { Accept: 'application/json, application/problem+json' };
    if (token) {
      headers.Authorization = 'Bearer ' + token;
    }
    const init = { method, headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'network_error', 'the server could not be reached');
    }
    const type = res.headers.get('Content-Type') || '';
    if (!res.ok) {
      if (type.includes('json')) {
        const p = await res.json().catch(() => ({}));
        throw new ApiError(res.status, p.code || 'http_' + res.status, p.detail, p.field);
      }
      throw new ApiError(res.status, 'http_' + res.status, await res.text().catch(() => ''));
    }
    if (res.status === 204) {
      return null;
    }
    if (type.includes('json')) {
      return res.json();
    }
    return res.text();
  }
  return {
    token,
    get: (path) => send('GET', path),
    post: (path, body) => send('POST', path, body === undefined ? {} : body),
    put: (path, body) => send('PUT', path, body),
    del: (path) => send('DELETE', path),
  };
}

/** Encodes one path segment. */
export function seg(s) {
  return encodeURIComponent(s);
}

/** A query string from an object, skipping empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') {
      q.set(k, String(v));
    }
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
