import { isBusy } from '../shared/busy.ts';
import type { ConnectionStatus, QueuedCall } from '../shared/messages.ts';
import { t } from '../shared/ui/messageClient.ts';

/** The PBX light: red while the agent is on a call, green when free, grey when the relay is unreachable. */
export function BusyLight({
  calls,
  connection,
}: {
  calls: QueuedCall[] | null;
  connection: ConnectionStatus | null;
}) {
  const state =
    connection?.state !== 'connected' ? 'unknown' : isBusy(calls ?? [], connection.user) ? 'busy' : 'free';
  const label = t(state === 'busy' ? 'busyBusy' : state === 'free' ? 'busyFree' : 'busyUnknown');
  const title = state === 'unknown' ? connection?.reason || label : label;
  return (
    <span class={`busy-light busy-${state}`} data-testid="busy-light" data-state={state} title={title}>
      <span class="busy-dot" aria-hidden="true" />
      <span class="busy-label">{label}</span>
    </span>
  );
}
