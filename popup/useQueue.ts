// The popup's live view of the background: fetched once on open, then again whenever the
// background bumps `queueRev` or rewrites `connection` in storage.session.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ResyncNotice } from '../shared/diagnostics.ts';
import type { ConnectionStatus, QueuedCall } from '../shared/messages.ts';
import browser from '../shared/platform/browser.ts';
import { send } from '../shared/ui/messageClient.ts';
import { LOADED_MARK, newestFirst } from './queue.ts';

export interface QueueState {
  /** Null until the first answer. */
  calls: QueuedCall[] | null;
  connection: ConnectionStatus | null;
  /** The relay could not replay everything: calls may be missing between two times. */
  notice: ResyncNotice | null;
  dismissNotice: () => void;
  /** `_locales` key when the background could not be reached. */
  loadError: string | null;
}

export type FirstList = ReturnType<typeof send<'calls.list'>>;

export function useQueue(firstList?: FirstList): QueueState {
  const [calls, setCalls] = useState<QueuedCall[] | null>(null);
  const [connection, setConnection] = useState<ConnectionStatus | null>(null);
  const [notice, setNotice] = useState<ResyncNotice | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  // Asked before the first render (main.tsx) or during it, not in the effect after the first paint:
  // the list is what the agent opened the popup for.
  const [firstCalls] = useState(() => firstList ?? send('calls.list', undefined));

  // Answers can arrive out of order when changes come quickly; only the latest request may apply.
  const callsSeq = useRef(0);
  const applyCalls = (answer: FirstList) => {
    const seq = ++callsSeq.current;
    answer.then(
      (res) => {
        if (seq !== callsSeq.current) return;
        setCalls(newestFirst(res?.calls ?? []));
        setLoadError(null);
      },
      () => seq === callsSeq.current && setLoadError('errBackground'),
    );
  };
  // The first list applies as soon as it arrives: a layout effect runs right after the first render,
  // a plain effect only after the first paint, which the list may well beat.
  useLayoutEffect(() => applyCalls(firstCalls.finally(() => performance.mark(LOADED_MARK))), [firstCalls]);

  // Once, after the first paint (applyCalls only uses state setters and a ref).
  useEffect(() => {
    let statusSeq = 0;
    const refreshStatus = () => {
      const seq = ++statusSeq;
      send('status.get', undefined).then(
        (res) => {
          if (seq !== statusSeq || !res) return;
          setConnection(res.connection);
          setNotice(res.notice ?? null);
        },
        () => seq === statusSeq && setLoadError('errBackground'),
      );
    };
    const onChanged = (changes: Record<string, unknown>, area: string) => {
      if (area !== 'session') return;
      if ('queueRev' in changes) applyCalls(send('calls.list', undefined));
      // A resync notice comes with a queue bump.
      if ('connection' in changes || 'queueRev' in changes) refreshStatus();
    };
    browser.storage.onChanged.addListener(onChanged);
    refreshStatus();
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, []);

  const dismissNotice = () => {
    setNotice(null);
    send('notice.dismiss', undefined).catch(() => undefined);
  };

  return { calls, connection, notice, dismissNotice, loadError };
}
