// Runs inside the CRM page (scripting.executeScript, MAIN world) when the agent resumes another
// call. Chrome serialises the function's source alone: it must not use imports or outer variables.
import type { ProbeResult } from './guard.ts';

/** What the unload marker (extension/guard/unload-marker.js) leaves on `window.__screenpopGuard`. */
interface Marker {
  beforeUnloadListeners(): number;
  submitted(form: HTMLFormElement): boolean;
}

export function pageProbe(): ProbeResult {
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

  const fieldChanged = (el: Element): boolean => {
    if (el instanceof HTMLInputElement) {
      switch (el.type) {
        case 'hidden':
        case 'submit':
        case 'button':
        case 'reset':
        case 'image':
        case 'search':
          return false;
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
  const beforeUnload =
    typeof window.onbeforeunload === 'function' || (marker?.beforeUnloadListeners() ?? 0) > 0;
  return { dirtyForm, beforeUnload };
}
