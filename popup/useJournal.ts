// Whether the relay's call journal logged each ended call in the CRM, asked for the calls in the
// queue while the popup is open (every few seconds: a record waiting for a CRM that is down turns
// "logged" by itself). A relay without a journal answers nothing, and rows say nothing.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { QueuedCall, Response } from '../shared/messages.ts';
import { send } from '../shared/ui/messageClient.ts';

export type JournalStates = Response<'calls.journal'>['calls'];

const ENDED = new Set(['hangup', 'missed', 'busy']);
const REFRESH_MS = 5000;
const MAX_ASKED = 100;

export function useJournal(calls: readonly QueuedCall[]): JournalStates {
  const [states, setStates] = useState<JournalStates>({});
  const ids = useMemo(
    () => [...new Set(calls.filter((c) => ENDED.has(c.state)).map((c) => c.callId))].slice(0, MAX_ASKED),
    [calls],
  );
  const key = ids.join('\n');
  useEffect(() => {
    if (!ids.length) return;
    let live = true;
    const ask = () =>
      send('calls.journal', { callIds: ids }).then(
        (res) => live && setStates(res.calls),
        () => undefined,
      );
    void ask();
    const timer = setInterval(ask, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
    // `key` stands for `ids`: a new array with the same calls asks nothing new.
    // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  }, [key]);
  return states;
}
