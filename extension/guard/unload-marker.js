// Registered by the service worker for the CRM origin once the agent allows unsaved-work detection;
// runs in the page's own (MAIN) world at document_start, before the CRM's scripts. It only takes
// notes for the pending-work probe (background/pageProbe.ts): each form field's state once the page
// has loaded and its scripts went quiet, and which forms were submitted (and not edited since).
// Plain JavaScript, copied as is.
(() => {
  const KEY = '__screenpopGuard';
  if (Object.hasOwn(window, KEY)) return;
  // CRM pages change their own fields at start-up (vtiger unchecks a box rendered checked, fills
  // "0.00", flips radios), without events or DOM mutations. So a page is judged against itself once
  // it settled: loaded, then no DOM change for QUIET_MS (or LONGEST_MS after load, for pages that
  // never stop animating). Fields added later are noted at the next quiet moment.
  const QUIET_MS = 1000;
  const LONGEST_MS = 5000;
  // The page may replace these later; the marker keeps the originals.
  const add = EventTarget.prototype.addEventListener;
  const setTimer = window.setTimeout.bind(window);
  const clearTimer = window.clearTimeout.bind(window);
  const Observer = window.MutationObserver;

  const submitted = new WeakSet();
  /** Fields the agent (or anything firing input/change) touched before they were noted. */
  const touched = new WeakSet();
  /** Field → its state when the page settled. */
  const settled = new WeakMap();

  const stateOf = (el) => {
    if (el instanceof HTMLInputElement) {
      if (el.type === 'checkbox' || el.type === 'radio') return el.checked ? 'checked' : 'unchecked';
      if (el.type === 'file') return `files:${el.files?.length ?? 0}`;
      return `value:${el.value}`;
    }
    if (el instanceof HTMLTextAreaElement) return `value:${el.value}`;
    if (el instanceof HTMLSelectElement)
      return `selected:${[...el.options].map((o) => +o.selected).join('')}`;
    return undefined;
  };

  // A field touched before it was noted has no state of its own to compare with: the probe then
  // compares it with its HTML default, as it would without the marker.
  const note = () => {
    for (const form of document.forms)
      for (const el of form.elements) {
        if (settled.has(el) || touched.has(el)) continue;
        const state = stateOf(el);
        if (state !== undefined) settled.set(el, state);
      }
  };

  let quiet = 0;
  let longest = 0;
  const settle = () => {
    clearTimer(quiet);
    clearTimer(longest);
    quiet = longest = 0;
    note();
  };
  const stir = () => {
    clearTimer(quiet);
    quiet = setTimer(settle, QUIET_MS);
    if (!longest) longest = setTimer(settle, LONGEST_MS);
  };
  const start = () => {
    new Observer(stir).observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
    stir();
  };
  if (document.readyState === 'complete') start();
  else add.call(window, 'load', start, { once: true });

  // A form saved in place (no navigation) still differs from its first state: remember it was
  // submitted, until the agent edits it again.
  add.call(window, 'submit', (event) => submitted.add(event.target), true);
  const edited = (event) => {
    const field = event.target;
    if (!settled.has(field)) touched.add(field);
    if (field?.form) submitted.delete(field.form);
  };
  add.call(window, 'input', edited, true);
  add.call(window, 'change', edited, true);

  Object.defineProperty(window, KEY, {
    value: Object.freeze({
      submitted: (form) => submitted.has(form),
      /** Whether a field differs from its state when the page settled; undefined when not noted. */
      changed: (field) => {
        const state = settled.get(field);
        return state === undefined ? undefined : stateOf(field) !== state;
      },
    }),
  });
})();
