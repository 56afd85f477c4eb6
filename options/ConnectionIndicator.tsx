import type { ConnectionStatus } from '../shared/messages.ts';
import { connectionView } from '../shared/ui/connectionView.ts';
import { t } from '../shared/ui/messageClient.ts';

/** The connection state as the popup shows it; the reason is the tooltip. */
export function ConnectionIndicator({ status }: { status: ConnectionStatus | null }) {
  const view = status ? connectionView(status, t) : null;
  return (
    <div class="conn" data-testid="connection" data-state={view?.state ?? 'loading'} title={view?.title}>
      <span class="dot" aria-hidden="true" />
      <span class="conn-label">{view?.label ?? t('loading')}</span>
      {view?.detail && <span class="conn-detail">{view.detail}</span>}
      {view?.title && <span class="conn-detail">{view.title}</span>}
    </div>
  );
}
