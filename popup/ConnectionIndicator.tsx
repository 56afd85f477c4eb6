import type { ConnectionStatus } from '../shared/messages.ts';
import { connectionView } from '../shared/ui/connectionView.ts';
import { t } from '../shared/ui/messageClient.ts';

/** The busy-light style dot with the state's name; the reason is the tooltip. */
export function ConnectionIndicator({ status }: { status: ConnectionStatus | null }) {
  const view = status ? connectionView(status, t) : null;
  return (
    <div class="conn" data-testid="connection" data-state={view?.state ?? 'loading'} title={view?.title}>
      <span class="dot" aria-hidden="true" />
      <span class="conn-text">
        <span class="conn-label">{view?.label ?? t('loading')}</span>
        {view?.detail && <span class="conn-detail">{view.detail}</span>}
      </span>
    </div>
  );
}
