// Who the relay says this browser's agent is: the mapping an admin set (user, extensions, PBX
// agent ids), as the last connection's welcome reported it.
import type { ConnectionStatus } from '../shared/messages.ts';
import { t } from '../shared/ui/messageClient.ts';

export function WhoAmISection({ connection }: { connection: ConnectionStatus | null }) {
  const known = connection?.state === 'connected' && connection.user;
  const list = (items: string[] | undefined) =>
    items?.length ? <bdi dir="ltr">{items.join(', ')}</bdi> : <span class="muted">—</span>;
  return (
    <section aria-labelledby="sec-whoami" data-testid="whoami">
      <h2 id="sec-whoami">{t('sectionWhoAmI')}</h2>
      {known ? (
        <dl class="facts">
          <dt>{t('whoAmIUser')}</dt>
          <dd data-testid="whoami-user">
            {connection.name && connection.name !== connection.user ? `${connection.name} · ` : ''}
            <bdi dir="ltr">{connection.user}</bdi>
          </dd>
          <dt>{t('whoAmIExtensions')}</dt>
          <dd data-testid="whoami-extensions">{list(connection.extensions)}</dd>
          <dt>{t('whoAmIAgentIds')}</dt>
          <dd data-testid="whoami-agentids">{list(connection.agentIds)}</dd>
        </dl>
      ) : (
        <p class="hint">{t('whoAmIUnknown')}</p>
      )}
    </section>
  );
}
