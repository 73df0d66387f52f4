// Meetings (ARCHITECTURE.md §6): the account's meetings with their active features, who is
// present, which notices each participant must see, who acknowledged what and who is held muted.

import { seg } from '../api.js';
import { h, replace, when, pill } from '../dom.js';
import { FEATURES, NOTICE_NAMES } from '../words.js';
import { permissions } from '../app.js';

const NOTICE_OF = {
  'recording.cloud': 'recording',
  'recording.local': 'recording',
  'transcription.enabled': 'transcription',
  'livestream.enabled': 'livestream',
  'ai_companion.meeting_summary': 'ai_companion',
  'ai_companion.meeting_questions': 'ai_companion',
  'ai_companion.smart_recording': 'ai_companion',
};

function noticeName(n) {
  return NOTICE_NAMES[n] || n;
}

const FOLD = 12;

// The organisation a participant joined from (§3): the meeting's own account, another one, or an
// organisation with no account on the platform (a guest); absent or different means external.
function organisation(p) {
  if (!p.account) {
    return 'Guest (no organisation given)';
  }
  return p.external ? 'Guest from ' + p.account : p.account;
}

export async function render(container, session, params) {
  const perm = permissions(session);
  const base = '/v1/accounts/' + seg(session.account);
  const list = h('div', { id: 'meeting-list' });
  const detail = h('div', { id: 'meeting-detail', 'aria-live': 'polite' });
  replace(container, h('h1', null, 'Meetings'),
    h('p', { class: 'lede' }, 'While a feature such as recording or AI Companion is on, '
      + 'everyone present must see its notice. When the host\'s settings require agreement, '
      + 'a participant stays muted until they accept.'),
    list, detail);
  let selected = params.get('meeting');
  let showAll = false;

  // Polling redraws only what changed: a redraw would take the keyboard focus away.
  let lastList = '';
  let lastDetail = '';

  async function loadList() {
    const data = await session.api.get(base + '/meetings');
    const key = JSON.stringify([data.meetings, selected, showAll]);
    if (key === lastList) {
      return;
    }
    lastList = key;
    let meetings = data.meetings;
    if (!perm.seeAllMeetings) {
      meetings = meetings.filter((m) => m.host === session.user);
    }
    // Live meetings first, then the most recent; a long history is folded.
    meetings = meetings.slice().sort((a, b) => (b.live - a.live)
      || (a.started < b.started ? 1 : a.started > b.started ? -1 : 0));
    const total = meetings.length;
    if (!selected && meetings.length) {
      selected = meetings[0].meeting;
    }
    if (!showAll && total > FOLD) {
      const keep = meetings.slice(0, FOLD);
      const chosen = meetings.find((m) => m.meeting === selected);
      if (chosen && !keep.includes(chosen)) {
        keep.push(chosen);
      }
      meetings = keep;
    }
    replace(list, meetings.length === 0 ? h('p', null, perm.seeAllMeetings
      ? 'This account has no meetings yet.' : 'You have hosted no meetings.')
      : h('table', { class: 'data', id: 'meetings-table' },
        h('caption', null, perm.seeAllMeetings ? 'Meetings of ' + session.account
          : 'Meetings you host'),
        h('thead', null, h('tr', null, ['Meeting', 'Host', 'Started', 'Status', 'Features on',
          'Present'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, meetings.map((m) => h('tr', { class: m.meeting === selected
          ? 'selected' : '' },
        h('th', { scope: 'row', 'data-label': 'Meeting' }, h('a', {
          href: '#/meetings?meeting=' + encodeURIComponent(m.meeting),
          'aria-current': m.meeting === selected ? 'true' : false,
          onclick: (ev) => {
            ev.preventDefault();
            selected = m.meeting;
            history.replaceState(null, '', '#/meetings?meeting=' + encodeURIComponent(m.meeting));
            refresh();
          } }, m.meeting)),
        h('td', { 'data-label': 'Host' }, m.host),
        h('td', { 'data-label': 'Started' }, when(m.started)),
        h('td', { 'data-label': 'Status' }, m.live ? pill('Live', 'on') : pill('Ended', 'neutral')),
        h('td', { 'data-label': 'Features on' }, m.features.length
          ? m.features.map((f) => FEATURES[f] || f).join(', ') : 'none'),
        h('td', { 'data-label': 'Present' }, String(m.present)))))),
      total > FOLD ? h('button', { type: 'button', class: 'secondary', id: 'meetings-fold',
        'aria-expanded': showAll ? 'true' : 'false', onclick: () => {
          showAll = !showAll;
          loadList();
        } }, showAll ? 'Show fewer meetings' : 'Show all ' + total + ' meetings') : null);
  }

  async function loadDetail() {
    if (!selected) {
      detail.replaceChildren();
      lastDetail = '';
      return;
    }
    const m = await session.api.get('/v1/meetings/' + seg(selected));
    const key = JSON.stringify(m);
    if (key === lastDetail) {
      return;
    }
    lastDetail = key;
    const notices = [...new Set(m.features.map((f) => NOTICE_OF[f]).filter(Boolean))];
    const muted = m.participants.filter((p) => p.muted);
    const rows = m.participants.map((p) => h('tr', { 'data-participant': p.participant },
      h('th', { scope: 'row', 'data-label': 'Participant' }, p.participant,
        p.host ? [' ', pill('Host', 'info')] : null,
        p.external ? [' ', pill('External', 'neutral')] : null),
      h('td', { 'data-label': 'Organisation', class: 'organisation' }, organisation(p)),
      h('td', { 'data-label': 'Must see' }, p.notices.length
        ? p.notices.map(noticeName).join(', ') : 'nothing'),
      h('td', { 'data-label': 'Acknowledged' }, p.host ? 'all (host)'
        : p.acknowledged.length ? p.acknowledged.map(noticeName).join(', ') : 'none yet'),
      h('td', { 'data-label': 'Audio', class: 'audio' }, p.muted
        ? pill('Held muted', 'off') : pill('Can speak', 'on'))));
    const link = '/participant.html?meeting=' + encodeURIComponent(m.meeting);
    replace(detail, h('section', { class: 'card', 'aria-labelledby': 'meeting-title' },
      h('h2', { id: 'meeting-title' }, 'Meeting ' + m.meeting),
      h('p', null, 'Hosted by ', h('strong', null, m.host), ', started ', when(m.started), '. ',
        m.live ? 'In progress.' : 'Ended.'),
      h('h3', null, 'Features on'),
      m.features.length ? h('ul', { id: 'meeting-features' }, m.features.map((f) =>
        h('li', null, FEATURES[f] || f, NOTICE_OF[f] ? ' — shows the ' + noticeName(NOTICE_OF[f])
          + ' notice' : ''))) : h('p', null, 'No feature is on: nobody needs a notice.'),
      h('p', { id: 'muted-summary' }, muted.length === 0 ? 'Nobody is held muted.'
        : muted.length + (muted.length === 1 ? ' participant is' : ' participants are')
          + ' held muted until they accept: ' + muted.map((p) => p.participant).join(', ') + '.'),
      h('table', { class: 'data', id: 'participants-table' },
        h('caption', null, 'Participants present now'),
        h('thead', null, h('tr', null, ['Participant', 'Organisation', 'Must see',
          'Acknowledged', 'Audio'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, rows.length ? rows : h('tr', null, h('td', { colspan: '5' },
          'Nobody is present.')))),
      notices.length && m.live ? h('p', null, 'See what a participant sees: ',
        h('a', { href: link + '&participant=guest-preview', id: 'participant-link' },
          'open the participant view'),
        ' (joins as "guest-preview").') : null));
  }

  async function refresh() {
    await loadList();
    await loadDetail();
  }

  await refresh();
  const timer = window.setInterval(() => {
    if (!document.hidden) {
      refresh().catch(() => {});
    }
  }, 5000);
  return () => window.clearInterval(timer);
}
