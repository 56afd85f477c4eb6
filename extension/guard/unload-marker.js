// Registered by the service worker for the CRM origin once the agent allows unsaved-work detection;
// runs in the page's own (MAIN) world at document_start, before the CRM's scripts. It only takes
// notes for the pending-work probe (background/pageProbe.ts): which `beforeunload` listeners the page
// added, and which forms were submitted (and not edited since). Plain JavaScript, copied as is.
(() => {
  const KEY = '__screenpopGuard';
  if (Object.hasOwn(window, KEY)) return;
  const proto = EventTarget.prototype;
  const add = proto.addEventListener;
  const remove = proto.removeEventListener;
  /** Listener → the capture flags it was added with (the same listener may be added twice). */
  const listeners = new Map();
  const submitted = new WeakSet();
  const captureOf = (options) => (typeof options === 'boolean' ? options : Boolean(options?.capture));

  const forget = (listener, capture) => {
    const flags = listeners.get(listener);
    flags?.delete(capture);
    if (flags && flags.size === 0) listeners.delete(listener);
  };

  proto.addEventListener = function addEventListener(type, listener, options) {
    if (type === 'beforeunload' && this === window && listener && !options?.signal?.aborted) {
      const capture = captureOf(options);
      const flags = listeners.get(listener) ?? new Set();
      flags.add(capture);
      listeners.set(listener, flags);
      options?.signal?.addEventListener?.('abort', () => forget(listener, capture), { once: true });
    }
    return add.call(this, type, listener, options);
  };
  proto.removeEventListener = function removeEventListener(type, listener, options) {
    if (type === 'beforeunload' && this === window) forget(listener, captureOf(options));
    return remove.call(this, type, listener, options);
  };

  // A form saved in place (no navigation) still differs from its defaults: remember it was
  // submitted, until the agent edits it again.
  add.call(window, 'submit', (event) => submitted.add(event.target), true);
  const edited = (event) => {
    const form = event.target?.form;
    if (form) submitted.delete(form);
  };
  add.call(window, 'input', edited, true);
  add.call(window, 'change', edited, true);

  Object.defineProperty(window, KEY, {
    value: Object.freeze({
      beforeUnloadListeners: () => listeners.size,
      submitted: (form) => submitted.has(form),
    }),
  });
})();
