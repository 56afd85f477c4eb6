// The connection state as a dot and its name, in the popup's bar and the options page's header.
import type { ConnectionStatus } from '../messages.ts';
import { connectionView } from './connectionView.ts';
import { t } from './messageClient.ts';

export interface ConnectionIndicatorProps {
  status: ConnectionStatus | null;
  /**
   * `stacked` (the popup's narrow bar): label over detail, the reason only as a tooltip.
   * `inline` (the options page): label, detail, transport and the reason side by side, all visible.
   */
  layout: 'stacked' | 'inline';
}

export function ConnectionIndicator({ status, layout }: ConnectionIndicatorProps) {
  const view = status ? connectionView(status, t) : null;
  const label = <span class="conn-label">{view?.label ?? t('loading')}</span>;
  const detail = view?.detail && <span class="conn-detail">{view.detail}</span>;
  return (
    <div
      class="conn"
      data-testid="connection"
      data-layout={layout}
      data-state={view?.state ?? 'loading'}
      title={view?.title}
    >
      <span class="dot" aria-hidden="true" />
      {layout === 'stacked' ? (
        <span class="conn-text">
          {label}
          {detail}
        </span>
      ) : (
        <>
          {label}
          {detail}
          {view?.transport && (
            <span class="conn-detail" data-testid="connection-transport" data-transport={status?.transport}>
              {view.transport}
            </span>
          )}
          {view?.title && <span class="conn-detail">{view.title}</span>}
        </>
      )}
    </div>
  );
}
