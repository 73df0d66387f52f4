// Settings (ARCHITECTURE.md §2, §4): account, group and user levels side by side for every
// setting, with locks, what each level inherits, parents that switch children off and the
// ceiling rule of optional diagnostics. Changes go to the API; a refusal is shown in words.

import { seg, query, ApiError } from '../api.js';
import { h, replace, lockIcon, pill, uid } from '../dom.js';
import { SETTINGS, settingLabel, refusal, ROLES } from '../words.js';
import { confirmDialog } from '../dialog.js';
import { announce, showError, clearError, permissions } from '../app.js';

const LEVEL_TITLE = { account: 'Account', group: 'Group', user: 'User' };

export async function render(container, session, params) {
  const perm = permissions(session);
  const info = session.info;
  const users = info.user_list || [];
  const groups = info.group_list || [];
  const state = { user: null, group: null };

  // Which users and groups this role may look at.
  let visibleUsers;
  let visibleGroups;
  if (perm.admin) {
    visibleUsers = users;
    visibleGroups = groups;
  } else if (session.role === 'group_admin') {
    visibleUsers = users.filter((u) => u.user === session.user
      || (session.group && u.group === session.group));
    visibleGroups = session.group ? [session.group] : [];
  } else {
    visibleUsers = users.filter((u) => u.user === session.user);
    visibleGroups = session.group ? [session.group] : [];
  }
  const wanted = params.get('user');
  const start = visibleUsers.find((u) => u.user === wanted)
    || (perm.admin ? visibleUsers.find((u) => u.group) : null)
    || visibleUsers.find((u) => u.user === session.user) || visibleUsers[0];
  state.user = start ? start.user : null;
  state.group = start ? start.group : (visibleGroups[0] || null);

  const title = h('h1', null, 'Settings');
  const intro = h('p', { class: 'lede' },
    'Each setting can be set for the whole account, for a group, and for one user. A lock at '
    + 'the account or group level decides for everyone below it. ',
    perm.admin ? 'You can change every level.'
      : session.role === 'group_admin' ? 'You can change your group and your own settings.'
        : 'You can change your own settings; the rest is shown so you can see why.');
  const pickers = h('div', { class: 'pickers' });
  const table = h('div', { id: 'settings-table' });
  replace(container, title, intro, pickers, table);

  const userSel = h('select', { id: 'pick-user' },
    perm.admin ? h('option', { value: '' }, '— no user (account and group only) —') : null,
    visibleUsers.map((u) => h('option', { value: u.user, selected: u.user === state.user },
      u.user + ' (' + (ROLES[u.role] || u.role) + (u.group ? ', group ' + u.group : '') + ')')));
  const groupSel = h('select', { id: 'pick-group' },
    h('option', { value: '' }, '— no group —'),
    visibleGroups.map((g) => h('option', { value: g, selected: g === state.group }, g)));
  userSel.addEventListener('change', () => {
    state.user = userSel.value || null;
    const u = users.find((x) => x.user === state.user);
    if (u) {
      state.group = u.group || null;
      groupSel.value = state.group || '';
    }
    groupSel.disabled = Boolean(state.user);
    load();
  });
  groupSel.addEventListener('change', () => {
    state.group = groupSel.value || null;
    load();
  });
  groupSel.disabled = Boolean(state.user) || visibleGroups.length === 0;
  replace(pickers,
    h('div', { class: 'field' }, h('label', { for: 'pick-user' }, 'User'), userSel),
    h('div', { class: 'field' }, h('label', { for: 'pick-group' }, 'Group'), groupSel,
      h('p', { class: 'help' }, 'A user\'s group is the one they belong to.')));

  let lastRows = [];

  async function currentRow(key) {
    return lastRows.find((x) => x.key === key) || null;
  }

  // Picking a user, then a group, sends two requests; their answers may come back in either
  // order. Only the answer to the newest request is drawn, so the table never shows a view the
  // pickers no longer name.
  let loads = 0;

  async function load() {
    const mine = ++loads;
    table.setAttribute('aria-busy', 'true');
    const q = state.user ? { user: state.user } : { group: state.group };
    const data = await session.api.get('/v1/accounts/' + seg(session.account) + '/settings'
      + query(q));
    if (mine !== loads) {
      return;
    }
    table.removeAttribute('aria-busy');
    draw(data);
  }

  function draw(data) {
    const rows = data.settings;
    lastRows = rows;
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
    const group = data.group || null;
    const user = data.user || null;
    state.groupShown = group;
    const cols = [
      { level: 'account', scope: 'account', name: 'Account', editable: perm.editAccount },
      { level: 'group', scope: group ? 'group:' + group : null,
        name: group ? 'Group: ' + group : 'Group (none)', editable: group && perm.editGroup(group) },
      { level: 'user', scope: user ? 'user:' + user : null,
        name: user ? 'User: ' + user : 'User (none)', editable: user && perm.editUser(user) },
    ];
    const head = h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'Setting'),
      cols.map((c) => h('th', { scope: 'col' }, c.name)),
      h('th', { scope: 'col' }, effectiveTitle(data, user, group))));
    const body = h('tbody', null, rows.map((r) => row(r, byKey, cols)));
    replace(table, h('table', { class: 'settings' },
      h('caption', null, 'Settings of ' + session.account
        + (group ? ', group ' + group : '') + (user ? ', user ' + user : '')), head, body));
  }

  /** Whose effective values the last column shows: the API says (`effective_for`). */
  function effectiveTitle(data, user, group) {
    if (data.effective_for === 'group' && group) {
      return 'Effective for members of ' + group;
    }
    return user ? 'Effective for ' + user : 'Effective for the account';
  }

  /**
   * Whether the caller may lift the lock a level above imposes: owners and admins lift any,
   * a group admin their own group's. The API decides; this only words the control.
   */
  function canUnlock(above) {
    if (above.level === 'account') {
      return perm.editAccount;
    }
    return Boolean(state.groupShown && perm.editGroup(state.groupShown));
  }

  /** Who holds a lock, as the disabled control and a refusal name it. */
  function lockWords(above) {
    return above.level === 'account' ? 'locked at the account level'
      : 'locked by group ' + state.groupShown;
  }

  function row(r, byKey, cols) {
    const meta = SETTINGS[r.key] || { label: r.key, help: '' };
    const offParent = r.effective.level === 'parent'
      ? r.parents.find((p) => byKey[p] && byKey[p].effective.value === false) : null;
    const badges = [];
    if (r.mode === 'ceiling') {
      badges.push(h('p', { class: 'note' }, pill('Ceiling', 'info'),
        ' Any level can turn it off; a lower level can never turn it back on.'));
    }
    if (r.parents.length) {
      badges.push(h('p', { class: 'note' }, 'Needs: ',
        r.parents.map((p, i) => [i ? ', ' : '', settingLabel(p)])));
    }
    const cells = cols.map((c) => h('td', { 'data-label': c.name },
      cell(r, c, cols, offParent)));
    return h('tr', { id: 'row-' + r.key.replace(/\./g, '-'), 'data-key': r.key,
      class: offParent ? 'parent-off' : '' },
      h('th', { scope: 'row' }, h('span', { class: 'setting-name' }, meta.label),
        h('code', { class: 'key' }, r.key), h('p', { class: 'help' }, meta.help), badges),
      cells,
      h('td', { 'data-label': 'Effective', class: 'effective' }, effective(r, offParent)));
  }

  /** What a level above this one imposes on it, in words, or null. */
  function inherited(r, c) {
    if (c.level === 'account') {
      return null;
    }
    if (r.mode === 'lock') {
      if (r.account && r.account.locked) {
        return { level: 'account', text: 'Inherited from account (locked)' };
      }
      if (c.level === 'user' && r.group && r.group.locked) {
        return { level: 'group', text: 'Inherited from group (locked)' };
      }
      return null;
    }
    if (r.account && r.account.value === false) {
      return { level: 'account', ceiling: true, text: 'Off at account level: can only stay off' };
    }
    if (c.level === 'user' && r.group && r.group.value === false) {
      return { level: 'group', ceiling: true, text: 'Off at group level: can only stay off' };
    }
    return null;
  }

  function cell(r, c, cols, offParent) {
    if (!c.scope) {
      return h('span', { class: 'muted' }, '—');
    }
    const w = r[c.level];
    const above = inherited(r, c);
    const parts = [];
    const stateText = w ? (w.value ? 'On' : 'Off') : 'Not set';
    parts.push(h('span', { class: 'level-state ' + (w ? (w.value ? 'on' : 'off') : 'unset') },
      stateText,
      w && w.locked && r.mode === 'lock' && c.level !== 'user'
        ? h('span', { class: 'locked-tag' }, ' ', lockIcon(), ' locked') : null));
    const explainId = uid('explain');
    if (above && !above.ceiling && c.editable) {
      // The control below cannot be used while the lock holds: say so before it is tried.
      const unlock = canUnlock(above);
      parts.push(h('p', { class: 'inherit locked', id: explainId }, lockIcon(), ' ',
        above.text, '. ', h('span', { class: 'lock-reason' },
          'Cannot be changed here: ' + lockWords(above) + '. ' + (unlock
            ? 'You can unlock it in the ' + LEVEL_TITLE[above.level] + ' column.'
            : above.level === 'account' ? 'Only an owner or admin can unlock it.'
              : 'Only an owner, an admin or a group admin of ' + state.groupShown
                + ' can unlock it.'))),
      unlock ? h('button', { type: 'button', class: 'link go-unlock',
        'data-level': above.level, onclick: () => focusLock(r.key, above.level) },
      'Go to the ' + above.level + ' lock') : null);
    } else if (above) {
      parts.push(h('p', { class: 'inherit ' + (above.ceiling ? 'ceiling' : 'locked'),
        id: explainId }, above.ceiling ? null : lockIcon(), ' ', above.text));
    } else if (!w) {
      const fallback = c.level === 'account' ? 'default (' + (r.default ? 'On' : 'Off') + ')'
        : c.level === 'group' ? 'account or default' : 'group, account or default';
      parts.push(h('p', { class: 'inherit plain', id: explainId }, 'Uses the ' + fallback));
    }
    if (offParent && c.level === 'account') {
      parts.push(h('p', { class: 'inherit' }, 'Has no effect while '
        + settingLabel(offParent) + ' is off'));
    }
    if (c.editable) {
      parts.push(controls(r, c, w, above ? explainId : null, above));
    }
    parts.push(h('p', { class: 'row-refusal', 'data-level': c.level, role: 'alert',
      hidden: true }));
    return parts;
  }

  /** Moves focus to the lock box of `level` in the row of `key`. */
  function focusLock(key, level) {
    const box = document.querySelector('#row-' + key.replace(/\./g, '-')
      + ' input.lock-box[data-level=' + level + ']');
    if (box) {
      box.scrollIntoView({ block: 'center' });
      box.focus();
    }
  }

  /** Shows a refusal beside the control that was used (announced: role="alert"). */
  function showRefusal(key, level, text) {
    const out = document.querySelector('#row-' + key.replace(/\./g, '-')
      + ' .row-refusal[data-level=' + level + ']');
    if (!out) {
      showError(text);
      return;
    }
    replace(out, text);
    out.hidden = false;
    out.scrollIntoView({ block: 'nearest' });
    const sel = out.parentElement.querySelector('select');
    if (sel && !sel.disabled) {
      sel.focus();
    }
  }

  function controls(r, c, w, describedBy, above) {
    const lockedAbove = Boolean(above && !above.ceiling);
    const label = settingLabel(r.key);
    const selId = uid('sel');
    const current = w ? (w.value ? 'on' : 'off') : 'unset';
    // Under a ceiling that is off above, "On" can never take effect: offered disabled, with why.
    const noOn = Boolean(above && above.ceiling) && current !== 'on';
    const sel = h('select', { id: selId, class: 'level-select', 'data-level': c.level,
      'aria-describedby': describedBy || false, disabled: lockedAbove,
      'aria-label': label + ', ' + LEVEL_TITLE[c.level].toLowerCase() + ' level' },
    h('option', { value: 'unset', selected: current === 'unset' }, 'Not set'),
    h('option', { value: 'on', selected: current === 'on', disabled: noOn },
      noOn ? 'On (not allowed: off above)' : 'On'),
    h('option', { value: 'off', selected: current === 'off' }, 'Off'));
    sel.addEventListener('change', async () => {
      const next = sel.value;
      const ok = await apply(r, c, next, w ? w.locked : false);
      if (!ok) {
        sel.value = current;
      }
    });
    const out = [h('div', { class: 'control' }, sel)];
    if (r.mode === 'lock' && c.level !== 'user') {
      const boxId = uid('lock');
      const box = h('input', { type: 'checkbox', id: boxId, class: 'lock-box',
        'data-level': c.level, checked: Boolean(w && w.locked), disabled: !w || lockedAbove,
        'aria-describedby': lockedAbove && describedBy ? describedBy : false });
      box.addEventListener('change', async () => {
        const ok = await apply(r, c, w.value ? 'on' : 'off', box.checked);
        if (!ok) {
          box.checked = Boolean(w && w.locked);
        }
      });
      out.push(h('div', { class: 'control lock-control' }, box,
        h('label', { for: boxId }, 'Lock',
          h('span', { class: 'visually-hidden' }, ' ' + label + ' at '
            + c.level + ' level'),
          !w ? h('span', { class: 'visually-hidden' }, ' (set a value first)') : null)));
    }
    return out;
  }

  async function apply(r, c, next, locked) {
    const meta = SETTINGS[r.key] || {};
    const label = settingLabel(r.key);
    const where = c.level === 'account' ? 'the whole account'
      : c.level === 'group' ? 'group ' + c.scope.slice(6) : 'user ' + c.scope.slice(5);
    const verb = next === 'unset' ? 'Clear ' + label + ' for ' + where
      : 'Turn ' + label + ' ' + next + (locked ? ' and lock it' : '') + ' for ' + where;
    if (meta.sensitive) {
      const go = await confirmDialog({
        title: verb + '?',
        body: [
          h('p', null, meta.help),
          next === 'on' && r.key.startsWith('ai_companion')
            ? h('p', null, 'AI features process what is said in meetings. Participants see '
              + 'the AI Companion notice; the content is not used to train AI models unless '
              + 'the account gives AI-training consent.') : null,
          next === 'on' && r.key.startsWith('recording')
            ? h('p', null, 'Recordings keep what participants say and show. Participants see '
              + 'the recording notice.') : null,
          h('p', null, 'The change is recorded in the ledger and the transparency log.'),
        ],
        confirm: next === 'unset' ? 'Clear' : 'Turn ' + next,
        danger: next === 'on',
      });
      if (!go) {
        announce('No change made');
        return false;
      }
    }
    clearError();
    const path = '/v1/accounts/' + seg(session.account) + '/settings/' + seg(r.key);
    try {
      if (next === 'unset') {
        await session.api.del(path + query({ scope: c.scope }));
      } else {
        await session.api.put(path, { scope: c.scope, value: next === 'on', locked });
      }
    } catch (e) {
      if (!(e instanceof ApiError)) {
        throw e;
      }
      // The table is redrawn from the server first, so the message describes what is shown
      // (the lock someone set meanwhile, say), and the refusal goes beside the control used.
      await load();
      const fresh = await currentRow(r.key);
      const lockedAt = fresh && fresh.account && fresh.account.locked ? 'account'
        : fresh && fresh.group && fresh.group.locked ? 'group' : 'account';
      const above = { level: lockedAt };
      showRefusal(r.key, c.level, refusal(e, { setting: r.key, lockedAt,
        group: state.groupShown, canUnlock: canUnlock(above), role: session.role,
        action: 'change ' + label + ' for ' + where }));
      return false;
    }
    announce(label + ': ' + (next === 'unset' ? 'cleared' : next + (locked ? ', locked' : ''))
      + ' for ' + where);
    await load();
    return true;
  }

  function effective(r, offParent) {
    const e = r.effective;
    if (e.value === null || e.value === undefined) {
      return h('span', { class: 'muted' }, 'Unknown');
    }
    let why;
    if (e.level === 'parent') {
      why = 'Off because ' + settingLabel(offParent || r.parents[0]) + ' is off';
    } else if (e.level === 'default') {
      why = 'Default';
    } else {
      why = 'Decided at ' + e.level + ' level' + (e.locked ? ' (locked)' : '');
    }
    return [pill(e.value ? 'On' : 'Off', e.value ? 'on' : 'off'),
      h('p', { class: 'why' }, e.locked ? lockIcon() : null, e.locked ? ' ' : null, why)];
  }

  await load();
}
