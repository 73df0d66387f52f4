// Meetings (ARCHITECTURE.md §6): the account's meetings, searched, filtered and paged by the
// server, with their active features (and why one stays on after a setting turned it off), what
// was on in an ended one, who is present, which notices each participant must see, who
// acknowledged what and who is held muted; and a participant's own short-lived link.

import { seg, query, ApiError } from '../api.js';
import { h, replace, when, pill } from '../dom.js';
import { FEATURES, NOTICE_NAMES, refusal } from '../words.js';
import { permissions, announce } from '../app.js';
import { pager } from '../listing.js';

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

// The organisation a participant joined from (§3): the meeting's own account, another one, or an
// organisation with no account on the platform (a guest); absent or different means external.
function organisation(p) {
  if (!p.account) {
    return 'Guest (no organisation given)';
  }
  return p.external ? 'Guest from ' + p.account : p.account;
}

const PAGE = 20;

/** Why a feature on in a live meeting may be off in the settings now, and what that changes. */
function stillOnWords(a) {
  const now = a.host_setting_now || {};
  if (now.value !== false) {
    return null;
  }
  const where = now.level === 'parent' ? 'a setting it depends on is off'
    : 'it is off at ' + (now.level || 'some') + ' level' + (now.locked ? ' and locked' : '');
  return 'Still on: it was on ' + (a.on_since ? 'since ' + new Date(a.on_since).toLocaleString()
    : 'when the meeting started') + ', and a change to the settings does not switch off a '
    + 'feature in a meeting already running. For this host ' + where + ' now. From now on: '
    + 'new meetings start without it, and once turned off here it cannot be turned on again.';
}

export async function render(container, session, params) {
  const perm = permissions(session);
  const base = '/v1/accounts/' + seg(session.account);
  const list = h('div', { id: 'meeting-list' });
  const info = h('div', { id: 'meeting-detail', 'aria-live': 'polite' });
  // The link form is drawn once per meeting: polling redraws leave it and its result alone.
  const linkBox = h('div', { id: 'meeting-link' });
  let linkFor = '';
  const detail = h('div', null, info, linkBox);
  const q = h('input', { type: 'search', id: 'meetings-q', autocomplete: 'off',
    value: params.get('q') || '' });
  const status = h('select', { id: 'meetings-status' }, [['', 'Live and ended'],
    ['live', 'Live'], ['ended', 'Ended']].map(([v, t]) => h('option', { value: v,
    selected: v === (params.get('status') || '') }, t)));
  const feature = h('select', { id: 'meetings-feature' }, h('option', { value: '' },
    'Any feature'), Object.keys(NOTICE_OF).map((f) => h('option', { value: f,
    selected: f === params.get('feature') }, FEATURES[f] || f)));
  let offset = 0;
  const bar = pager('meetings', 'meetings', () => {
    offset = Math.max(0, offset - PAGE);
    lastList = '';
    refresh();
  }, () => {
    offset += PAGE;
    lastList = '';
    refresh();
  });
  const filters = h('form', { class: 'filters', id: 'meetings-filters', role: 'search',
    onsubmit: (ev) => {
      ev.preventDefault();
      offset = 0;
      lastList = '';
      refresh();
    } },
  h('div', { class: 'field' }, h('label', { for: 'meetings-q' }, 'Search meetings'), q),
  h('div', { class: 'field' }, h('label', { for: 'meetings-status' }, 'Status'), status),
  h('div', { class: 'field' }, h('label', { for: 'meetings-feature' }, 'Feature used'),
    feature),
  h('div', { class: 'field' }, h('button', { type: 'submit', class: 'primary',
    id: 'meetings-apply' }, 'Search')));
  replace(container, h('h1', null, 'Meetings'),
    h('p', { class: 'lede' }, 'While a feature such as recording or AI Companion is on, '
      + 'everyone present must see its notice. When the host\'s settings require agreement, '
      + 'a participant stays muted until they accept.'),
    filters, list, bar.el, detail);
  let selected = params.get('meeting');

  // Polling redraws only what changed: a redraw would take the keyboard focus away.
  let lastList = '';
  let lastDetail = '';
  const filtered = () => Boolean(q.value.trim() || status.value || feature.value);

  async function loadList() {
    const data = await session.api.get(base + '/meetings' + query({
      q: q.value.trim() || undefined,
      status: status.value || undefined,
      feature: feature.value || undefined,
      // A member sees the meetings they host; the server filters.
      host: perm.seeAllMeetings ? undefined : session.user,
      offset: offset || undefined,
      limit: PAGE,
    }));
    const key = JSON.stringify([data.meetings, data.total, selected]);
    if (key === lastList) {
      return;
    }
    lastList = key;
    const meetings = data.meetings;
    if (!selected && meetings.length) {
      selected = meetings[0].meeting;
    }
    bar.set(offset > 0, data.next_offset !== null && data.next_offset !== undefined,
      meetings.length ? 'Showing ' + (offset + 1) + '–' + (offset + meetings.length) + ' of '
        + data.total + ' meetings.' : '');
    replace(list, meetings.length === 0 ? h('p', { class: 'empty', id: 'meetings-empty' },
      filtered() ? 'No meeting matches this search. Clear the search to see every meeting.'
        : perm.seeAllMeetings ? 'This account has no meetings yet.'
          : 'You have hosted no meetings.')
      : h('table', { class: 'data', id: 'meetings-table' },
        h('caption', null, (perm.seeAllMeetings ? 'Meetings of ' + session.account
          : 'Meetings you host') + ', live first, then the newest'),
        h('thead', null, h('tr', null, ['Meeting', 'Host', 'Started', 'Status', 'Features on',
          'Present'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, meetings.map((m) => h('tr', { class: m.meeting === selected
          ? 'selected' : '', 'data-meeting': m.meeting },
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
        h('td', { 'data-label': 'Features on' }, m.live
          ? (m.features.length ? m.features.map((f) => FEATURES[f] || f).join(', ') : 'none')
          : (m.features_used || []).length ? 'was on: ' + m.features_used.map((f) =>
            FEATURES[f] || f).join(', ') : 'none was on'),
        h('td', { 'data-label': 'Present' }, String(m.present)))))));
  }

  async function participantLink(m, form) {
    const who = form.querySelector('#link-participant').value.trim();
    const org = form.querySelector('#link-organisation').value.trim();
    const out = form.querySelector('#link-result');
    if (!who) {
      replace(out, h('p', { class: 'field-error', role: 'alert' }, 'Enter the participant\'s '
        + 'name or id.'));
      return;
    }
    try {
      const t = await session.api.post('/v1/meetings/' + seg(m.meeting)
        + '/participant-tokens', org ? { participant: who, account: org }
        : { participant: who });
      const url = location.origin + t.link;
      replace(out, h('p', null, 'A link for ', h('strong', null, who), ' only, valid until ',
        when(t.expires), '. It reads their notices and joins, accepts and leaves as them, '
        + 'nothing else: it never acts as you.'),
      h('label', { for: 'link-url' }, 'Participant link (shown once)'),
      h('input', { type: 'text', id: 'link-url', readonly: true, value: url,
        class: 'secret-link' }),
      h('p', null, h('a', { href: url, id: 'participant-link', target: '_blank',
        rel: 'noopener noreferrer' }, 'Open the participant view as ' + who)));
      announce('Created a participant link for ' + who);
    } catch (e) {
      replace(out, h('p', { class: 'refusal', role: 'alert' }, e instanceof ApiError
        ? refusal(e, { role: session.role, action: 'create participant links' }) : String(e)));
    }
  }

  async function loadDetail() {
    if (!selected) {
      info.replaceChildren();
      linkBox.replaceChildren();
      linkFor = '';
      lastDetail = '';
      return;
    }
    const m = await session.api.get('/v1/meetings/' + seg(selected));
    const key = JSON.stringify(m);
    if (key === lastDetail) {
      return;
    }
    lastDetail = key;
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
    const active = Object.fromEntries((m.active || []).map((a) => [a.feature, a]));
    const mayLink = m.live && (perm.seeAllMeetings || m.host === session.user);
    const linkForm = mayLink ? h('form', { class: 'card inline-form', id: 'participant-link-form',
      onsubmit: (ev) => {
        ev.preventDefault();
        participantLink(m, ev.currentTarget);
      } },
    h('h3', null, 'Give a participant their link'),
    h('p', { class: 'muted' }, 'The link carries a short-lived token for this meeting and this '
      + 'participant only. Share it with them; opening it yourself shows what they see.'),
    h('div', { class: 'field' }, h('label', { for: 'link-participant' }, 'Participant'),
      h('input', { type: 'text', id: 'link-participant', autocomplete: 'off' })),
    h('div', { class: 'field' }, h('label', { for: 'link-organisation' },
      'Their organisation (optional)'), h('input', { type: 'text', id: 'link-organisation',
      autocomplete: 'off' })),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'primary',
      id: 'link-create' }, 'Create link')),
    h('div', { id: 'link-result', 'aria-live': 'polite' })) : null;
    replace(info, h('section', { class: 'card', 'aria-labelledby': 'meeting-title' },
      h('h2', { id: 'meeting-title' }, 'Meeting ' + m.meeting),
      h('p', null, 'Hosted by ', h('strong', null, m.host), ', started ', when(m.started), '. ',
        m.live ? 'In progress.' : ['Ended ', when(m.ended), '.']),
      m.live ? [h('h3', null, 'Features on'),
        m.features.length ? h('ul', { id: 'meeting-features' }, m.features.map((f) => {
          const why = active[f] ? stillOnWords(active[f]) : null;
          return h('li', { 'data-feature': f }, FEATURES[f] || f, NOTICE_OF[f] ? ' — shows the '
            + noticeName(NOTICE_OF[f]) + ' notice' : '', why ? h('p', { class: 'still-on' },
            pill('Turned off in settings', 'info'), ' ', why) : null);
        })) : h('p', null, 'No feature is on: nobody needs a notice.')]
        : [h('h3', null, 'What was on'), (m.features_used || []).length
          ? h('ul', { id: 'meeting-features-used' }, m.features_used.map((f) =>
            h('li', { 'data-feature': f }, FEATURES[f] || f, NOTICE_OF[f] ? ' — participants '
              + 'were shown the ' + noticeName(NOTICE_OF[f]) + ' notice' : '')))
          : h('p', { id: 'meeting-features-used' }, 'No feature was on in this meeting.')],
      m.live ? h('p', { id: 'muted-summary' }, muted.length === 0 ? 'Nobody is held muted.'
        : muted.length + (muted.length === 1 ? ' participant is' : ' participants are')
          + ' held muted until they accept: ' + muted.map((p) => p.participant).join(', ') + '.')
        : null,
      m.live ? h('table', { class: 'data', id: 'participants-table' },
        h('caption', null, 'Participants present now'),
        h('thead', null, h('tr', null, ['Participant', 'Organisation', 'Must see',
          'Acknowledged', 'Audio'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, rows.length ? rows : h('tr', null, h('td', { colspan: '5' },
          'Nobody is present.')))) : null,
    ));
    if (linkFor !== m.meeting + (mayLink ? ':link' : '')) {
      linkFor = m.meeting + (mayLink ? ':link' : '');
      replace(linkBox, linkForm);
    }
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
