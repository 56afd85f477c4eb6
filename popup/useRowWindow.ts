// Keeps only the rows near the view in the page: a 500-call queue opens as fast as a short one and
// scrolls as one list. The page (the popup's own window) is what scrolls.
import type { RefObject } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { QueuedCall } from '../shared/messages.ts';
import {
  CANDIDATES_ESTIMATE,
  MIN_VIEW,
  ROW_ESTIMATE,
  type RowWindow,
  rowWindow,
  sameWindow,
} from './queueWindow.ts';

const estimate = (call: QueuedCall) =>
  ROW_ESTIMATE + ((call.candidates?.length ?? 0) > 1 ? CANDIDATES_ESTIMATE : 0);

export interface RowWindowView {
  win: RowWindow;
  /** On the element whose top is the first row's top (the spacer above the rows). */
  topRef: RefObject<HTMLDivElement | null>;
  /** On the list: its items carry `data-id` and are measured once painted. */
  listRef: RefObject<HTMLOListElement | null>;
}

export function useRowWindow(calls: readonly QueuedCall[]): RowWindowView {
  const topRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  // Measured heights by call id; a row not yet painted counts as its estimate.
  const heights = useRef(new Map<string, number>());
  const [measured, setMeasured] = useState(0);
  const sizes = useMemo(
    () => calls.map((call) => heights.current.get(call.id) ?? estimate(call)),
    // `measured` changes when `heights` (a ref) got new values.
    [calls, measured],
  );
  // Where the list's top lies relative to the view, read on scroll and resize without a render.
  const view = useRef({ top: 0, height: Math.max(globalThis.innerHeight || 0, MIN_VIEW) });
  const [, moved] = useState(0);
  const win = rowWindow(sizes, view.current.top, view.current.height);
  const latest = useRef({ sizes, win });
  latest.current = { sizes, win };

  useEffect(() => {
    const onView = () => {
      const top = topRef.current;
      if (!top) return;
      view.current = { top: -top.getBoundingClientRect().top, height: window.innerHeight };
      const { sizes, win } = latest.current;
      // Scrolling inside the rows already in the page renders nothing.
      if (!sameWindow(rowWindow(sizes, view.current.top, view.current.height), win)) moved((n) => n + 1);
    };
    addEventListener('scroll', onView, { passive: true });
    addEventListener('resize', onView);
    onView();
    return () => {
      removeEventListener('scroll', onView);
      removeEventListener('resize', onView);
    };
  }, []);

  // After each paint, the rows in the page tell their real height (a long name wraps, an error adds
  // a line); the spacers follow, and Chrome's scroll anchoring keeps the rows in view still.
  useEffect(() => {
    let changed = false;
    for (const item of listRef.current?.children ?? []) {
      const id = (item as HTMLElement).dataset.id;
      const h = item.getBoundingClientRect().height;
      if (id && h && heights.current.get(id) !== h) {
        heights.current.set(id, h);
        changed = true;
      }
    }
    if (changed) setMeasured((n) => n + 1);
  });

  return { win, topRef, listRef };
}
