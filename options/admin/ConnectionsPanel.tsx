// Who is connected to the relay right now and the last call event each was sent. Refreshed every
// 10 s while the page is visible (a hidden tab asks nothing), and on demand.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { t } from '../../shared/ui/messageClient.ts';
import { ErrorNote } from './AdminBits.tsx';
import type { AdminClient, AdminError, Connection } from './adminApi.ts';
import { formatTime, pageDateFormat } from './TokensPanel.tsx';

export const CONNECTIONS_REFRESH_MS = 10_000;

export function ConnectionsPanel({ client }: { client: AdminClient }) {
  const [connections, setConnections] = useState<Connection[] | null>(null);
  const [error, setError] = useState<AdminError | null>(null);
  const [loadedAt, setLoadedAt] = useState<Date | null>(null);
  const [busy, setBusy] = useState(false);
  const when = useMemo(() => pageDateFormat({ dateStyle: 'short', timeStyle: 'medium' }), []);

  const load = useCallback(async () => {
    setBusy(true);
    const res = await client.connections();
    setBusy(false);
    setError(res.ok ? null : res.error);
    if (res.ok) {
      setConnections(res.value);
      setLoadedAt(new Date());
    }
  }, [client]);

  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const sync = () => {
      clearInterval(timer);
      timer = undefined;
      if (document.visibilityState !== 'visible') return;
      void load();
      timer = setInterval(() => void load(), CONNECTIONS_REFRESH_MS);
    };
    sync();
    document.addEventListener('visibilitychange', sync);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', sync);
    };
  }, [load]);

  return (
    <div class="admin-panel" data-testid="admin-connections">
      <h3>{t('adminConnectionsTitle')}</h3>
      <p class="hint">{t('adminConnectionsHelp')}</p>
      <div class="admin-table-wrap">
        <table class="admin-table">
          <thead>
            <tr>
              <th scope="col">{t('adminColUser')}</th>
              <th scope="col">{t('adminColName')}</th>
              <th scope="col">{t('adminColTransport')}</th>
              <th scope="col">{t('adminColSince')}</th>
              <th scope="col">{t('adminColLastEvent')}</th>
            </tr>
          </thead>
          <tbody>
            {connections?.length === 0 && (
              <tr>
                <td colSpan={5} class="muted">
                  {t('adminNobodyConnected')}
                </td>
              </tr>
            )}
            {connections?.map((c) => (
              <tr key={c.id} data-testid="admin-connection-row" data-user={c.user}>
                <td dir="ltr" class="mono">
                  {c.user}
                </td>
                <td dir="auto">{c.name ?? ''}</td>
                <td>{transportName(c.transport)}</td>
                <td>
                  <time dateTime={c.connectedAt}>{formatTime(when, c.connectedAt)}</time>
                </td>
                <td data-testid="admin-last-event">
                  {c.lastEventAt ? (
                    <>
                      <time dateTime={c.lastEventAt}>{formatTime(when, c.lastEventAt)}</time>{' '}
                      <span class="mono muted" dir="ltr">
                        {c.lastEventId}
                      </span>
                    </>
                  ) : (
                    <span class="muted">{t('adminNoEventYet')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="actions admin-after-table">
        <button
          type="button"
          class="secondary"
          data-testid="admin-connections-refresh"
          disabled={busy}
          onClick={() => void load()}
        >
          {t('adminRefresh')}
        </button>
        {loadedAt && (
          <span class="hint">{t('adminUpdatedAt', formatTime(when, loadedAt.toISOString()))}</span>
        )}
      </div>
      <ErrorNote error={error} testId="admin-connections-error" />
    </div>
  );
}

const TRANSPORTS: Record<string, string> = {
  ws: 'adminTransport_ws',
  sse: 'adminTransport_sse',
  longpoll: 'adminTransport_longpoll',
};

/** A transport's name; one this page does not know yet is shown as the relay wrote it. */
function transportName(transport: string): string {
  const key = TRANSPORTS[transport];
  return key ? t(key) : transport;
}
