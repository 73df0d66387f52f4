// The participant view (ARCHITECTURE.md §6): what someone sees on joining a meeting where
// recording, transcription, livestreaming or AI Companion is on. The notice comes first, with
// Accept and Leave; when the host's settings require agreement the participant is held muted
// until they accept. Accepting posts one notice.acknowledged per notice through the API.

import { client, savedToken, tabStore, seg, query, ApiError } from './api.js';
import { h, replace } from './dom.js';
import { NOTICES, refusal } from './words.js';

const params = new URLSearchParams(location.search);
const meeting = params.get('meeting');
const participant = params.get('participant');
// The participant's organisation, when the meeting service knows it: it may have no account on
// the platform (a guest, external like anyone not of the meeting's account).
const organisation = params.get('account');
const PARTICIPANT_TOKEN = 'covenant.participant.token';

let api = null;
let state = null;
let micOn = false;
let timer = null;
let dialogFor = '';

const $ = (id) => document.getElementById(id);

function showError(text) {
  const el = $('error');
  el.textContent = text;
  el.hidden = false;
}

function clearError() {
  $('error').hidden = true;
  $('error').textContent = '';
}

function tokenFromPage() {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    const t = decodeURIComponent(m[1]);
    tabStore.set(PARTICIPANT_TOKEN, t);
    // The token leaves the address bar (and the history) at once.
    history.replaceState(null, '', location.pathname + location.search);
    return t;
  }
  // Never the console's own token: opened from the console, the view must not act as the
  // admin. A participant's link carries their own token (meeting and participant bound).
  return tabStore.get(PARTICIPANT_TOKEN);
}

function unacknowledged() {
  return state.notices.filter((n) => !state.acknowledged.includes(n));
}

async function notices() {
  return api.get('/v1/meetings/' + seg(meeting) + '/notices' + query({ participant }));
}

async function join() {
  clearError();
  let s = await notices();
  if (!s.present) {
    s = await api.post('/v1/meetings/' + seg(meeting) + '/participants',
      organisation ? { participant, account: organisation } : { participant });
  }
  state = s;
  $('access').hidden = true;
  $('left').hidden = true;
  $('room').hidden = false;
  replace($('room-title'), 'Meeting ' + meeting);
  replace($('you'), 'You joined as ', h('strong', null, participant),
    s.external ? (s.account ? [', a guest from ', h('strong', null, s.account)] : ', a guest')
      : s.account ? [' of ', h('strong', null, s.account)] : null, '.');
  $('avatar').textContent = participant.slice(0, 2).toUpperCase();
  update();
  if (timer === null) {
    timer = window.setInterval(poll, 3000);
  }
}

async function poll() {
  if (document.hidden || !state || !state.present) {
    return;
  }
  try {
    const s = await notices();
    if (!s.present) {
      state = s;
      showError('You are no longer in this meeting (it may have ended).');
      update();
      return;
    }
    state = s;
    update();
  } catch (e) {
    // A missed poll is retried on the next tick; errors from actions are shown.
  }
}

let shown = '';

function update() {
  const dlg = $('notice');
  // Polls that bring nothing new change nothing: the status region would be read out again.
  const now = JSON.stringify([state, micOn, dlg.open]);
  if (now === shown) {
    return;
  }
  shown = now;
  const pending = unacknowledged();
  replace($('active-list'), state.notices.length === 0
    ? h('li', null, 'Nothing that needs a notice (no recording, transcript, livestream or AI).')
    : state.notices.map((n) => h('li', null, (NOTICES[n] || { title: n }).title,
      state.acknowledged.includes(n) ? ' — accepted' : ' — not accepted yet')));
  if (state.muted) {
    micOn = false;
  }
  const mic = $('mic');
  const toggle = $('mic-toggle');
  if (!state.present) {
    replace(mic, 'You are not in the meeting.');
    toggle.disabled = true;
  } else if (state.muted) {
    mic.className = 'mic held';
    replace(mic, h('strong', null, 'You are muted'),
      ' until you accept the notice. The host\'s account requires agreement.');
    toggle.disabled = true;
    toggle.textContent = 'Unmute';
  } else {
    mic.className = micOn ? 'mic on' : 'mic off';
    replace(mic, micOn ? h('strong', null, 'Your microphone is on.')
      : [h('strong', null, 'You can unmute.'), ' Your microphone is off.']);
    toggle.disabled = false;
    toggle.textContent = micOn ? 'Mute' : 'Unmute';
  }
  $('review').hidden = pending.length === 0 || dlg.open;
  const key = pending.join(',');
  if (pending.length && !dlg.open && key !== dialogFor) {
    openNotice(pending);
  }
  if (!pending.length && dlg.open) {
    dlg.close();
  }
}

function openNotice(pending) {
  dialogFor = pending.join(',');
  replace($('notice-title'), pending.length === 1 ? NOTICES[pending[0]].title
    : 'Recording and AI notices');
  replace($('notice-body'), pending.map((n) => {
    const meta = NOTICES[n] || { title: n, text: '' };
    return h('section', { class: 'notice-item', 'data-notice': n },
      pending.length > 1 ? h('h3', null, meta.title) : null, h('p', null, meta.text));
  }));
  replace($('notice-agreement'), state.muted
    ? 'You stay muted until you accept. If you do not agree, leave the meeting.'
    : 'You can already speak; accepting records that you saw this notice.');
  const dlg = $('notice');
  dlg.showModal();
  $('notice-accept').focus();
  $('review').hidden = true;
}

async function accept() {
  const pending = unacknowledged();
  const btn = $('notice-accept');
  btn.disabled = true;
  clearError();
  try {
    for (const n of pending) {
      state = await api.post('/v1/meetings/' + seg(meeting) + '/acknowledgements',
        { participant, notice: n });
    }
  } catch (e) {
    showError(e instanceof ApiError ? refusal(e) : String(e));
    btn.disabled = false;
    return;
  }
  btn.disabled = false;
  dialogFor = '';
  $('notice').close();
  update();
  $('mic-toggle').focus();
}

async function leave() {
  clearError();
  const res = await api.post('/v1/events', { events: [{ type: 'participant.left',
    at: new Date().toISOString(), meeting, participant }] }).catch((e) => {
    showError(e instanceof ApiError ? refusal(e) : String(e));
    return null;
  });
  if (!res) {
    return;
  }
  const r = res.results[0];
  if (r.status !== 'accepted' && r.status !== 'duplicate') {
    showError(refusal(new ApiError(409, r.code || r.status, r.message)));
    return;
  }
  if ($('notice').open) {
    $('notice').close();
  }
  window.clearInterval(timer);
  timer = null;
  state = null;
  dialogFor = '';
  $('room').hidden = true;
  $('left').hidden = false;
  $('rejoin').focus();
}

async function enter(token) {
  api = client(token);
  try {
    await join();
  } catch (e) {
    if (e instanceof ApiError && (e.code === 'unauthenticated' || e.code === 'token_expired')) {
      tabStore.remove(PARTICIPANT_TOKEN);
      $('access').hidden = false;
      $('access-token').focus();
    }
    showError(e instanceof ApiError ? refusal(e) : String(e));
  }
}

function start() {
  if (!meeting || !participant) {
    showError('This link is incomplete: it must name the meeting and the participant '
      + '(participant.html?meeting=…&participant=…).');
    return;
  }
  document.title = 'Meeting ' + meeting + ' · Covenant';
  $('notice-accept').addEventListener('click', accept);
  $('notice-leave').addEventListener('click', leave);
  $('leave').addEventListener('click', leave);
  $('rejoin').addEventListener('click', () => join().catch((e) =>
    showError(e instanceof ApiError ? refusal(e) : String(e))));
  $('review').addEventListener('click', () => openNotice(unacknowledged()));
  $('notice').addEventListener('close', () => {
    if (state && unacknowledged().length) {
      // Closed with Esc: the notice stays pending and can be reviewed again.
      $('review').hidden = false;
      $('review').focus();
    }
  });
  $('mic-toggle').addEventListener('click', () => {
    if (state && !state.muted) {
      micOn = !micOn;
      update();
    }
  });
  $('access-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t = $('access-token').value.trim();
    if (t) {
      tabStore.set(PARTICIPANT_TOKEN, t);
      $('access').hidden = true;
      enter(t);
    }
  });
  // Only someone signed in to the console (previewing as a participant) has a console to go back to.
  $('back').hidden = !savedToken();
  const token = tokenFromPage();
  if (!token) {
    $('access').hidden = false;
    $('access-token').focus();
    return;
  }
  enter(token);
}

start();
