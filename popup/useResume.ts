// Reopening a queued call (or picking another of its contacts) from the popup, with the pending-work
// guard in between: the worker may answer `pending` instead of opening, and the agent then goes to
// the earlier tab, opens anyway (`force`) or cancels.
import { useState } from 'preact/hooks';
import type { OpenResult, PendingWork } from '../shared/messages.ts';
import { send } from '../shared/ui/messageClient.ts';

type Open = (force: boolean) => Promise<OpenResult>;

export interface Resume {
  /** The id of the call being opened, to mark its row busy. */
  pendingId: string | null;
  /** A `_locales` key (or text) saying why nothing opened. */
  error: string | null;
  /** The earlier tab's unsaved work, while the dialog asks what to do. */
  pending: PendingWork | null;
  resume(id: string): Promise<void>;
  pick(id: string, contactId: string): Promise<void>;
  goToPending(): Promise<void>;
  openAnyway(): Promise<void>;
  dismiss(): void;
}

export function useResume(closeWindow: () => void = () => window.close()): Resume {
  const [pendingId, setPendingId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asked, setAsked] = useState<{ work: PendingWork; id: string; open: Open } | null>(null);

  const run = async (id: string, open: Open, force: boolean) => {
    setError(null);
    setAsked(null);
    setPendingId(id);
    try {
      const res = await open(force);
      if (res?.pending) setAsked({ work: res.pending, id, open });
      else if (!res?.ok) setError(res?.error || 'errResumeFailed');
    } catch {
      setError('errBackground');
    } finally {
      setPendingId(null);
    }
  };

  return {
    pendingId,
    error,
    pending: asked?.work ?? null,
    resume: (id) => run(id, (force) => send('calls.resume', { id, force }), false),
    pick: (id, contactId) => run(id, (force) => send('calls.pick', { id, contactId, force }), false),
    goToPending: async () => {
      if (!asked) return;
      const res = await send('calls.goToPending', { tabId: asked.work.tabId }).catch(() => null);
      // The tab is gone since: nothing is pending any more, so ask the worker again.
      if (!res?.ok) return run(asked.id, asked.open, false);
      setAsked(null);
      closeWindow();
    },
    openAnyway: async () => {
      if (asked) await run(asked.id, asked.open, true);
    },
    dismiss: () => setAsked(null),
  };
}
