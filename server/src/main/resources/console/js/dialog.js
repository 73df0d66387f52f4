// A confirmation dialog on the native <dialog>: modal, keyboard-operable (Tab stays inside, Esc
// cancels), focus starts on Cancel for anything destructive and returns to where it was.

import { replace } from './dom.js';

/**
 * Asks for confirmation. `body` is a node or a list of nodes; resolves true on Confirm.
 * `danger` starts focus on Cancel and styles Confirm as destructive.
 */
export function confirmDialog({ title, body, confirm, danger }) {
  const dlg = document.getElementById('confirm');
  const ok = document.getElementById('confirm-ok');
  const cancel = document.getElementById('confirm-cancel');
  const before = document.activeElement;
  replace(document.getElementById('confirm-title'), title);
  replace(document.getElementById('confirm-body'), body);
  ok.textContent = confirm || 'Confirm';
  ok.className = danger ? 'danger' : 'primary';
  dlg.returnValue = '';
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => {
      resolve(dlg.returnValue === 'ok');
      if (before && typeof before.focus === 'function' && document.contains(before)) {
        before.focus();
      }
    }, { once: true });
    dlg.showModal();
    (danger ? cancel : ok).focus();
  });
}
