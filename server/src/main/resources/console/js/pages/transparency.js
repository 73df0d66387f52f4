// Transparency (ARCHITECTURE.md §5, issue 5's report): which purposes used the account's content
// over a period, on which basis, and what was refused and why, as Chart.js charts with the
// numbers beside them in tables for screen readers.

import { seg, query } from '../api.js';
import { h, replace } from '../dom.js';
import { purposeLabel, purposeShort, reasonLabel, BASIS_SHORT } from '../words.js';

// Okabe–Ito and Tol colours: told apart with the common colour-vision deficiencies.
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#332288',
  '#882255', '#117733', '#999933', '#44AA99', '#AA4499', '#6b6b6b'];

const RANGES = [
  { id: '1d', label: 'Last 24 hours', hours: 24 },
  { id: '7d', label: 'Last 7 days', hours: 24 * 7 },
  { id: '30d', label: 'Last 30 days', hours: 24 * 30 },
  { id: '90d', label: 'Last 90 days', hours: 24 * 90 },
];

export async function render(container, session, params) {
  const range = RANGES.find((r) => r.id === params.get('range')) || RANGES[2];
  const charts = [];
  const sel = h('select', { id: 'range' }, RANGES.map((r) =>
    h('option', { value: r.id, selected: r.id === range.id }, r.label)));
  sel.addEventListener('change', () => {
    location.hash = '#/transparency?range=' + sel.value;
  });
  const body = h('div', { id: 'transparency-body' });
  replace(container, h('h1', null, 'Transparency'),
    h('p', { class: 'lede' }, 'Every time a platform service asks whether it may use '
      + session.account + '\'s content, Covenant decides and counts the answer. This is that '
      + 'count: what was used, for which purpose, on which basis, and what was refused.'),
    h('div', { class: 'field inline' }, h('label', { for: 'range' }, 'Period'), sel), body);

  const to = new Date();
  const from = new Date(to.getTime() - range.hours * 3600 * 1000);
  const report = await session.api.get('/v1/accounts/' + seg(session.account) + '/transparency'
    + query({ from: from.toISOString(), to: to.toISOString() }));

  const summary = h('div', { class: 'stats', id: 'transparency-summary' },
    stat('Decisions', report.decisions, 'decisions'),
    stat('Uses allowed', report.allowed, 'allowed'),
    stat('Refused', report.denied, 'denied'));
  if (report.decisions === 0) {
    replace(body, summary, h('p', null, 'No service asked about this account\'s content in '
      + 'this period.'));
    return;
  }
  if (!window.Chart) {
    replace(body, summary, h('p', { class: 'field-error' }, 'The chart library did not load; '
      + 'the numbers are in the tables below.'));
  }

  // 1. Uses over time by purpose: hours folded into days beyond two days.
  const byDay = range.hours > 48;
  const bucket = (iso) => (byDay ? iso.slice(0, 10) : iso.slice(0, 13) + ':00');
  const buckets = [];
  for (let t = from.getTime(); t <= to.getTime(); t += (byDay ? 24 : 1) * 3600 * 1000) {
    const b = bucket(new Date(t).toISOString());
    if (!buckets.includes(b)) {
      buckets.push(b);
    }
  }
  // Customer content and platform-owned data (basis "ownership") are counted apart: a use of
  // the platform's own telemetry is not a use of the customer's content.
  const purposes = [...new Set(report.series.map((s) => s.purpose))].sort();
  const customer = {};
  const platform = {};
  const refusedOver = {};
  for (const s of report.series) {
    const b = bucket(s.hour);
    const owned = s.allowed_platform_owned || 0;
    customer[s.purpose] = customer[s.purpose] || {};
    customer[s.purpose][b] = (customer[s.purpose][b] || 0) + s.allowed - owned;
    platform[s.purpose] = platform[s.purpose] || {};
    platform[s.purpose][b] = (platform[s.purpose][b] || 0) + owned;
    refusedOver[b] = (refusedOver[b] || 0) + s.denied;
  }
  const datasetsOf = (over, stack) => purposes
    .filter((p) => Object.values(over[p] || {}).some((x) => x > 0))
    .map((p) => ({
      label: purposeShort(p),
      data: buckets.map((b) => (over[p] && over[p][b]) || 0),
      backgroundColor: PALETTE[purposes.indexOf(p) % PALETTE.length],
      stack,
    }));
  const customerDatasets = datasetsOf(customer, 'customer');
  const platformDatasets = datasetsOf(platform, 'platform');
  const sum = (sets) => sets.flatMap((d) => d.data).reduce((a, b) => a + b, 0);
  const customerUses = sum(customerDatasets);
  const platformUses = sum(platformDatasets);
  const timeUnit = byDay ? 'Day (UTC)' : 'Hour (UTC)';
  const timeLabels = timeAxisLabels(buckets, byDay);

  // 2. Uses by purpose and basis.
  const usePurposes = [...new Set(report.uses.map((u) => u.purpose))].sort();
  const bases = [...new Set(report.uses.map((u) => u.basis))].sort();
  const basisDatasets = bases.map((b, i) => ({
    label: BASIS_SHORT[b] || b,
    data: usePurposes.map((p) => report.uses.filter((u) => u.purpose === p && u.basis === b)
      .reduce((n, u) => n + u.count, 0)),
    backgroundColor: PALETTE[(i * 3) % PALETTE.length],
  }));

  // 3. Refusals by reason (the first reason: the one that decided).
  const reasons = {};
  for (const r of report.refusals) {
    reasons[r.reason] = (reasons[r.reason] || 0) + r.count;
  }
  const reasonKeys = Object.keys(reasons).sort((a, b) => reasons[b] - reasons[a]);

  const per = byDay ? 'day' : 'hour';
  const c1 = chartBox('chart-uses-time', 'Uses of your content over time, by purpose',
    'Stacked bars: for each ' + per + ' (UTC), how many uses of ' + session.account
    + '\'s customer content were allowed, per purpose. ' + customerUses + ' uses in all.');
  const c1b = chartBox('chart-platform-time', 'Uses of platform-owned data over time, by purpose',
    'Stacked bars: for each ' + per + ' (UTC), how many uses of data the platform owns '
    + '(service-generated data such as telemetry and diagnostics, not your content) were '
    + 'allowed, per purpose. ' + platformUses + ' uses in all.');
  const c1c = chartBox('chart-refused-time', 'Refused uses over time',
    'Bars: for each ' + per + ' (UTC), how many uses were refused, on a scale of their own. '
    + report.denied + ' refused in all.');
  const c2 = chartBox('chart-uses-basis', 'Uses by purpose and basis',
    'Horizontal bars: for each purpose, how many uses rested on which basis.');
  const c3 = chartBox('chart-refusals', 'Refusals by reason',
    report.denied + ' uses were refused. ' + reasonKeys.map((k) => reasonLabel(k) + ': '
      + reasons[k]).join('; ') + '.');

  const usesTable = h('table', { class: 'data', id: 'uses-table' },
    h('caption', null, 'Uses allowed, by purpose, basis and clause'),
    h('thead', null, h('tr', null, ['Purpose', 'Basis', 'Clauses', 'Uses']
      .map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, report.uses.map((u) => h('tr', null,
      h('th', { scope: 'row', 'data-label': 'Purpose' }, purposeLabel(u.purpose)),
      h('td', { 'data-label': 'Basis' }, BASIS_SHORT[u.basis] || u.basis),
      h('td', { 'data-label': 'Clauses' }, u.clauses.join(', ')),
      h('td', { 'data-label': 'Uses', class: 'num' }, u.count.toLocaleString())))));
  const refusalsTable = h('table', { class: 'data', id: 'refusals-table' },
    h('caption', null, 'Refusals, by purpose and reason'),
    h('thead', null, h('tr', null, ['Purpose', 'Reason', 'Clauses', 'Refused']
      .map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, report.refusals.map((r) => h('tr', null,
      h('th', { scope: 'row', 'data-label': 'Purpose' }, purposeLabel(r.purpose)),
      h('td', { 'data-label': 'Reason' }, reasonLabel(r.reason), r.reasons.length > 1
        ? h('span', { class: 'muted' }, ' (then: ' + r.reasons.slice(1).map(reasonLabel)
          .join('; ') + ')') : null),
      h('td', { 'data-label': 'Clauses' }, r.clauses.join(', ') || '—'),
      h('td', { 'data-label': 'Refused', class: 'num' }, r.count.toLocaleString())))));

  replace(body, summary, h('div', { class: 'chart-grid' }, c1.box, c1b.box, c1c.box, c2.box,
    c3.box),
    h('h2', null, 'The numbers'), usesTable, refusalsTable);

  if (window.Chart) {
    const Chart = window.Chart;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = '#1f2328';
    const common = { responsive: true, maintainAspectRatio: false, animation: false };
    const axis = (text) => ({ display: true, text });
    const overTime = (canvas, datasets, yTitle) => new Chart(canvas, {
      type: 'bar',
      data: { labels: timeLabels, datasets },
      options: { ...common, scales: {
        x: { stacked: true, title: axis(timeUnit), ticks: { autoSkip: false, maxRotation: 0,
          callback(value, index) { return timeTick(this.chart, buckets, byDay, index); } } },
        y: { stacked: true, beginAtZero: true, title: axis(yTitle),
          ticks: { precision: 0 } } },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } } },
    });
    charts.push(overTime(c1.canvas, customerDatasets, 'Uses of customer content (count)'));
    charts.push(overTime(c1b.canvas, platformDatasets, 'Uses of platform-owned data (count)'));
    charts.push(overTime(c1c.canvas, [{ label: 'Refused', stack: 'refused',
      data: buckets.map((b) => refusedOver[b] || 0), backgroundColor: '#b3261e' }],
    'Refused uses (count)'));
    charts.push(new Chart(c2.canvas, {
      type: 'bar',
      data: { labels: usePurposes.map(purposeShort), datasets: basisDatasets },
      options: { ...common, indexAxis: 'y', scales: {
        x: { stacked: true, beginAtZero: true, title: axis('Uses allowed (count)'),
          ticks: { precision: 0 } },
        y: { stacked: true, title: axis('Purpose') } },
      plugins: { legend: { position: 'bottom' } } },
    }));
    charts.push(new Chart(c3.canvas, {
      type: 'bar',
      data: { labels: reasonKeys.map(reasonLabel), datasets: [{ label: 'Refusals',
        data: reasonKeys.map((k) => reasons[k]), backgroundColor: '#b3261e' }] },
      options: { ...common, indexAxis: 'y', scales: {
        x: { beginAtZero: true, title: axis('Refused uses (count)'), ticks: { precision: 0 } },
        y: { title: axis('Reason'),
          ticks: { callback(value) { return wrap(this.getLabelForValue(value), 18); } } } },
      plugins: { legend: { display: false } } },
    }));
  }
  return () => charts.forEach((c) => c.destroy());
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov',
  'Dec'];

/** "5 Dec" from a UTC ISO date or hour bucket. */
function dayWords(bucket) {
  return Number(bucket.slice(8, 10)) + ' ' + MONTHS[Number(bucket.slice(5, 7)) - 1];
}

/**
 * The time axis' labels: days as "5 Dec"; hours as "15:00", with the date under the first hour
 * and under every hour where the day changes, so the same hour on two days is never ambiguous.
 */
export function timeAxisLabels(buckets, byDay) {
  let lastDay = '';
  return buckets.map((b) => {
    if (byDay) {
      return dayWords(b);
    }
    const day = b.slice(0, 10);
    const hour = b.slice(11, 16);
    if (day !== lastDay) {
      lastDay = day;
      return [hour, dayWords(b)];
    }
    return hour;
  });
}

/**
 * The label of one time tick, or null to leave it out: as many as fit the chart's width (about
 * 48 px each), and on an hourly axis the date under every shown hour whose day differs from the
 * previous shown one, so thinning the labels never drops the day's change.
 */
function timeTick(chart, buckets, byDay, index) {
  const fit = Math.max(2, Math.floor((chart.width || 600) / 48));
  const step = Math.max(1, Math.ceil(buckets.length / fit));
  if (index % step !== 0) {
    return null;
  }
  const b = buckets[index];
  if (byDay) {
    return dayWords(b);
  }
  const hour = b.slice(11, 16);
  if (index === 0 || buckets[index - step].slice(0, 10) !== b.slice(0, 10)) {
    return [hour, dayWords(b)];
  }
  return hour;
}

/** A label broken into lines of about `width` characters (Chart.js draws an array as lines). */
function wrap(label, width) {
  const lines = [];
  let line = '';
  for (const word of String(label).split(' ')) {
    if (line && (line + ' ' + word).length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? line + ' ' + word : word;
    }
  }
  if (line) {
    lines.push(line);
  }
  return lines;
}

function stat(label, value, id) {
  return h('div', { class: 'stat', id: 'stat-' + id },
    h('span', { class: 'stat-value' }, Number(value).toLocaleString()),
    h('span', { class: 'stat-label' }, label));
}

function chartBox(id, title, description) {
  const canvas = h('canvas', { id, role: 'img', 'aria-label': title + '. ' + description });
  const box = h('figure', { class: 'card chart' },
    h('figcaption', null, h('h2', null, title), h('p', { class: 'muted' }, description)),
    h('div', { class: 'chart-wrap' }, canvas));
  return { box, canvas };
}

