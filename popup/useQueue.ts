// The popup's live view of the background: fetched once on open, then again whenever the
// background bumps `queueRev` or rewrites `connection` in storage.session.
import { useEffect, useState } from 'preact/hooks';
import browser from '../shared/browser.ts';
import type { ConnectionStatus, QueuedCall } from '../shared/messages.ts';
import { send } from '../shared/rpc.ts';
import { newestFirst } from './queue.ts';

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

  useEffect(() => {
    // Answers can arrive out of order when changes come quickly; only the latest request may apply.
    let callsSeq = 0;
    let statusSeq = 0;
    const refreshCalls = () => {
      const seq = ++callsSeq;
      send('calls.list', undefined).then(
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
    refreshCalls();
    refreshStatus();
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, []);

  return { calls, connection, loadError };
}
