// The popup's live view of the background: fetched once on open, then again whenever the
// background bumps `queueRev` or rewrites `connection` in storage.session.
import { useEffect, useState } from 'preact/hooks';
import browser from '../shared/browser.ts';
import type { ConnectionStatus, QueuedCall } from '../shared/messages.ts';
import { send } from '../shared/rpc.ts';
import { LOADED_MARK, newestFirst } from './queue.ts';

export interface QueueState {
  /** Null until the first answer. */
  calls: QueuedCall[] | null;
  connection: ConnectionStatus | null;
  /** `_locales` key when the background could not be reached. */
  loadError: string | null;
}

export function useQueue(): QueueState {
  const [calls, setCalls] = useState<QueuedCall[] | null>(null);
  const [connection, setConnection] = useState<ConnectionStatus | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  // Asked during the first render, not in the effect after the first paint: the list is what the
  // agent opened the popup for.
  const [firstCalls] = useState(() => send('calls.list', undefined));

  useEffect(() => {
    // Answers can arrive out of order when changes come quickly; only the latest request may apply.
    let callsSeq = 0;
    let statusSeq = 0;
    const refreshCalls = (answer = send('calls.list', undefined)) => {
      const seq = ++callsSeq;
      answer.then(
        (res) => {
          if (seq !== callsSeq) return;
          setCalls(newestFirst(res?.calls ?? []));
          setLoadError(null);
        },
        () => seq === callsSeq && setLoadError('errBackground'),
      );
    };
    const refreshStatus = () => {
      const seq = ++statusSeq;
      send('status.get', undefined).then(
        (res) => seq === statusSeq && res && setConnection(res.connection),
        () => seq === statusSeq && setLoadError('errBackground'),
      );
    };
    const onChanged = (changes: Record<string, unknown>, area: string) => {
      if (area !== 'session') return;
      if ('queueRev' in changes) refreshCalls();
      if ('connection' in changes) refreshStatus();
    };
    browser.storage.onChanged.addListener(onChanged);
    refreshCalls(firstCalls.finally(() => performance.mark(LOADED_MARK)));
    refreshStatus();
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, [firstCalls]);

  return { calls, connection, loadError };
}
