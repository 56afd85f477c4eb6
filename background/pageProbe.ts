// Runs inside the CRM page (scripting.executeScript, MAIN world) when the agent resumes another
// call. Chrome serialises the function's source alone: it must not use imports or outer variables.
import type { ProbeResult } from './guard.ts';

/** What the unload marker (extension/guard/unload-marker.js) leaves on `window.__screenpopGuard`. */
interface Marker {
  submitted(form: HTMLFormElement): boolean;
  /** Whether a field differs from its state once the page settled; undefined when not noted. */
  changed?(field: Element): boolean | undefined;
}

export function pageProbe(): ProbeResult {
  const IGNORED = new Set(['hidden', 'submit', 'button', 'reset', 'image', 'search']);
  const marker = (window as unknown as Record<string, Marker | undefined>).__screenpopGuard;

  const selectChanged = (select: HTMLSelectElement): boolean => {
    const options = [...select.options];
    if (select.multiple || select.size > 1)
      return options.some((o) => !o.disabled && o.selected !== o.defaultSelected);
    // A single select with no `selected` option shows its first enabled one by default.
    let expected = -1;
    options.forEach((o, i) => {
      if (o.defaultSelected) expected = i;
    });
    if (expected < 0) expected = options.findIndex((o) => !o.disabled);
    return select.selectedIndex !== expected;
  };

  // Against the page's own settled state when the marker noted it (CRM scripts change fields at
  // start-up); else against the HTML defaults.
  const fieldChanged = (el: Element): boolean => {
    if (el instanceof HTMLInputElement && IGNORED.has(el.type)) return false;
    const settled = typeof marker?.changed === 'function' ? marker.changed(el) : undefined;
    return typeof settled === 'boolean' ? settled : differsFromDefault(el);
  };

  const differsFromDefault = (el: Element): boolean => {
    if (el instanceof HTMLInputElement) {
      switch (el.type) {
        case 'checkbox':
        case 'radio':
          return el.checked !== el.defaultChecked;
        case 'file':
          return (el.files?.length ?? 0) > 0;
        default:
          return el.value !== el.defaultValue;
      }
    }
    if (el instanceof HTMLTextAreaElement) return el.value !== el.defaultValue;
    if (el instanceof HTMLSelectElement) return selectChanged(el);
    return false;
  };

  const dirtyForm = [...document.forms].some(
    (form) =>
      form.getAttribute('role') !== 'search' &&
      !(marker?.submitted(form) ?? false) &&
      [...form.elements].some(fieldChanged),
  );
  // A page that only registered a handler does not ask: vtiger sets `onbeforeunload` on every edit
  // view and jQuery adds a listener on clean pages too. Ask the handlers themselves with a
  // beforeunload event that navigates nowhere; they would ask when one cancels it or sets a
  // returnValue (an `onbeforeunload` returning a message does both).
  const wouldAsk = (): boolean => {
    let event: BeforeUnloadEvent;
    try {
      event = document.createEvent('BeforeUnloadEvent') as BeforeUnloadEvent;
    } catch {
      return typeof window.onbeforeunload === 'function';
    }
    event.initEvent('beforeunload', false, true);
    window.dispatchEvent(event);
    const message: unknown = event.returnValue;
    return event.defaultPrevented || (typeof message === 'string' && message !== '');
  };
  return { dirtyForm, beforeUnload: wouldAsk() };
}
