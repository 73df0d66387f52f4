// The console's shell: sign-in with an account token, what the signed-in role may see, the
// section router (#/settings, #/consents, …) and the status and error regions every page uses.

import { client, savedToken, saveToken, forgetToken, tabStore, seg, ApiError } from './api.js';
import { h, replace } from './dom.js';
import { ROLES, refusal } from './words.js';
import * as settings from './pages/settings.js';
import * as consents from './pages/consents.js';
import * as terms from './pages/terms.js';
import * as meetings from './pages/meetings.js';
import * as transparency from './pages/transparency.js';
import * as log from './pages/log.js';
import * as reviews from './pages/reviews.js';
import * as tokens from './pages/tokens.js';
import * as datarights from './pages/datarights.js';
import * as audit from './pages/audit.js';

const PAGES = [
  { id: 'settings', title: 'Settings', module: settings, who: 'everyone' },
  { id: 'consents', title: 'Consents', module: consents, who: 'everyone' },
  { id: 'terms', title: 'Terms', module: terms, who: 'everyone' },
  { id: 'meetings', title: 'Meetings', module: meetings, who: 'everyone' },
  { id: 'transparency', title: 'Transparency', module: transparency, who: 'admins' },
  { id: 'reviews', title: 'Reviews', module: reviews, who: 'admins' },
  { id: 'tokens', title: 'Tokens', module: tokens, who: 'admins' },
  { id: 'datarights', title: 'Data rights', module: datarights, who: 'admins' },
  { id: 'audit', title: 'Audit', module: audit, who: 'admins' },
  { id: 'log', title: 'Log', module: log, who: 'everyone' },
];

let session = null;
let cleanup = null;

/** Announces a short status to screen readers and shows it. */
export function announce(text) {
  const el = document.getElementById('status');
  el.textContent = '';
  // A fresh text node makes screen readers announce the same message twice in a row too.
  window.setTimeout(() => { el.textContent = text; }, 30);
  // A status is news, not state: it goes after a while so it never describes an older page.
  window.setTimeout(() => {
    if (el.textContent === text) {
      el.textContent = '';
    }
  }, 10000);
}

/** Shows an error sentence in the alert region (announced at once). */
export function showError(text) {
  const el = document.getElementById('error');
  replace(el, h('span', null, text),
    h('button', { type: 'button', class: 'link', onclick: clearError,
      'aria-label': 'Dismiss the error message' }, 'Dismiss'));
  el.hidden = false;
}

export function clearError() {
  const el = document.getElementById('error');
  el.hidden = true;
  el.replaceChildren();
}

/**
 * What a role may see and change in the console. The API is the authority (it refuses anything
 * else with 403 or 409); the console only leaves out what the role can never use.
 */
export function permissions(s) {
  const admin = s.role === 'owner' || s.role === 'admin' || s.role === 'operator';
  return {
    admin,
    pages: PAGES.filter((p) => p.who === 'everyone' || admin).map((p) => p.id),
    changeConsents: admin,
    editAccount: admin,
    editGroup: (g) => admin || (s.role === 'group_admin' && g === s.group),
    editUser: (u) => admin || u === s.user,
    seeAllMeetings: admin,
  };
}

async function signIn(token) {
  const api = client(token);
  let list;
  try {
    list = await api.get('/v1/accounts');
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      throw new ApiError(403, 'service_token', 'This is a service token: it reads meetings '
        + 'and asks for decisions, but cannot open the console. Use an account token.');
    }
    throw e;
  }
  if (!list.accounts || list.accounts.length === 0) {
    throw new ApiError(404, 'no_account', 'This token sees no account.');
  }
  const chosen = tabStore.get('covenant.console.account');
  const ids = list.accounts.map((a) => a.account);
  const account = ids.includes(chosen) ? chosen : ids[0];
  return load(api, account, ids);
}

async function load(api, account, ids) {
  const info = await api.get('/v1/accounts/' + seg(account));
  const you = info.you;
  const role = you ? you.role : 'operator';
  const user = you ? you.user : null;
  const me = user ? (info.user_list || []).find((u) => u.user === user) : null;
  return {
    api, account, accounts: ids, info, role, user,
    group: me && me.group ? me.group : null,
    reload: async () => {
      session.info = await api.get('/v1/accounts/' + seg(account));
    },
  };
}

function renderWho() {
  const who = document.getElementById('who');
  const parts = [];
  if (session.accounts.length > 1) {
    const sel = h('select', { id: 'account-pick', onchange: async (ev) => {
      tabStore.set('covenant.console.account', ev.target.value);
      session = await load(session.api, ev.target.value, session.accounts);
      renderWho();
      renderNav();
      route();
    } }, session.accounts.map((a) => h('option', { value: a, selected: a === session.account }, a)));
    parts.push(h('label', { for: 'account-pick', class: 'inline-label' }, 'Account'), sel);
  } else {
    parts.push(h('span', { class: 'who-account' }, 'Account ', h('strong', null, session.account)));
  }
  parts.push(h('span', { class: 'who-user', id: 'who-user' },
    session.user ? session.user + ' · ' : '', ROLES[session.role] || session.role));
  parts.push(h('button', { type: 'button', class: 'secondary small', id: 'signout',
    onclick: signOut }, 'Sign out'));
  replace(who, parts);
  who.hidden = false;
}

function renderNav() {
  const perm = permissions(session);
  const list = document.getElementById('nav-list');
  replace(list, PAGES.filter((p) => perm.pages.includes(p.id)).map((p) =>
    h('li', null, h('a', { href: '#/' + p.id, id: 'nav-' + p.id, 'data-page': p.id }, p.title))));
  document.getElementById('nav').hidden = false;
}

function signOut() {
  forgetToken();
  tabStore.remove('covenant.console.account');
  session = null;
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  document.getElementById('who').hidden = true;
  document.getElementById('nav').hidden = true;
  document.getElementById('page').replaceChildren();
  clearError();
  showSignIn();
  announce('Signed out');
}

function showSignIn() {
  const s = document.getElementById('signin');
  s.hidden = false;
  document.getElementById('token').value = '';
  document.getElementById('token').focus();
}

async function route() {
  if (!session) {
    return;
  }
  const perm = permissions(session);
  if (location.hash && !location.hash.startsWith('#/')) {
    return;
  }
  const hash = location.hash.replace(/^#\/?/, '');
  const [id, rest] = hash.split('?');
  const params = new URLSearchParams(rest || '');
  const page = PAGES.find((p) => p.id === id && perm.pages.includes(p.id));
  if (!page) {
    location.replace('#/settings');
    return;
  }
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  clearError();
  for (const a of document.querySelectorAll('#nav-list a')) {
    if (a.dataset.page === page.id) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  }
  document.title = page.title + ' · Covenant console';
  const container = document.getElementById('page');
  container.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  container.setAttribute('aria-busy', 'true');
  try {
    const c = await page.module.render(container, session, params);
    cleanup = typeof c === 'function' ? c : null;
  } catch (e) {
    container.replaceChildren(h('h1', { tabindex: '-1' }, page.title));
    showError(e instanceof ApiError ? refusal(e, { role: session.role }) : String(e));
  } finally {
    container.removeAttribute('aria-busy');
  }
  const h1 = container.querySelector('h1');
  if (h1 && document.body.dataset.navigated === 'yes') {
    h1.setAttribute('tabindex', '-1');
    h1.focus();
  }
  document.body.dataset.navigated = 'yes';
  document.body.dataset.page = page.id;
}

async function start() {
  // The skip link moves focus without touching the hash, which the router owns.
  document.querySelector('.skip-link').addEventListener('click', (ev) => {
    ev.preventDefault();
    document.getElementById('main').focus();
  });
  document.getElementById('signin-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = document.getElementById('token');
    const err = document.getElementById('token-error');
    const token = input.value.trim();
    err.textContent = '';
    input.removeAttribute('aria-invalid');
    if (!token) {
      err.textContent = 'Enter a token.';
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    try {
      session = await signIn(token);
    } catch (e) {
      err.textContent = e instanceof ApiError && (e.code === 'service_token'
        || e.code === 'no_account') ? e.detail : refusal(e);
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    saveToken(token);
    document.getElementById('signin').hidden = true;
    renderWho();
    renderNav();
    announce('Signed in to ' + session.account + ' as ' + (ROLES[session.role] || session.role));
    if (!location.hash || location.hash === '#' || location.hash === '#/') {
      location.hash = '#/settings';
    } else {
      route();
    }
  });
  window.addEventListener('hashchange', route);
  const token = savedToken();
  if (token) {
    try {
      session = await signIn(token);
      renderWho();
      renderNav();
      route();
      return;
    } catch (e) {
      forgetToken();
    }
  }
  showSignIn();
}

start();
