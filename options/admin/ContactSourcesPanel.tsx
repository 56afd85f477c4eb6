// The relay's contact sources (CSV files, SQL databases, vtiger, SuiteCRM): whether each answered
// its last poll, how many contacts it holds, what changed since the relay started and the last
// error in the CRM's own words; "Sync now" polls one at once instead of waiting for its interval.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { t } from '../../shared/ui/messageClient.ts';
import { ErrorNote } from './AdminBits.tsx';
import type { AdminClient, AdminError, ContactSourceState } from './adminApi.ts';
import { formatTime, pageDateFormat } from './TokensPanel.tsx';

export function ContactSourcesPanel({ client }: { client: AdminClient }) {
  const [sources, setSources] = useState<ContactSourceState[] | null>(null);
  const [error, setError] = useState<AdminError | null>(null);
  const [syncing, setSyncing] = useState<string | null>(null);
  const when = useMemo(() => pageDateFormat({ dateStyle: 'short', timeStyle: 'medium' }), []);

  const load = useCallback(async () => {
    const res = await client.contactSources();
    setError(res.ok ? null : res.error);
    if (res.ok) setSources(res.value);
  }, [client]);

  useEffect(() => {
    void load();
  }, [load]);

  const syncNow = async (name: string) => {
    setSyncing(name);
    const res = await client.syncContactSource(name);
    setSyncing(null);
    setError(res.ok ? null : res.error);
    if (res.ok) setSources((all) => (all ?? []).map((s) => res.value.find((n) => n.name === s.name) ?? s));
  };

  return (
    <div class="admin-panel" data-testid="admin-contact-sources">
      <h3>{t('adminSourcesTitle')}</h3>
      <p class="hint">{t('adminSourcesHelp')}</p>
      <div class="admin-table-wrap">
        <table class="admin-table">
          <thead>
            <tr>
              <th scope="col">{t('adminColSource')}</th>
              <th scope="col">{t('adminColState')}</th>
              <th scope="col">{t('adminColContacts')}</th>
              <th scope="col">{t('adminColChanges')}</th>
              <th scope="col">{t('adminColLastSuccess')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('adminSourcesSync')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sources?.length === 0 && (
              <tr>
                <td colSpan={6} class="muted">
                  {t('adminNoSources')}
                </td>
              </tr>
            )}
            {sources?.map((s) => (
              <tr key={s.name} data-testid="admin-source-row" data-source={s.name} data-ok={String(s.ok)}>
                <td dir="ltr" class="mono">
                  {s.name} <span class="muted">({s.kind})</span>
                </td>
                <td>
                  {s.ok ? t('adminSourceOk') : t('adminSourceFailing')}
                  {!s.ok && s.lastError && (
                    <div class="admin-reason" dir="auto" data-testid="admin-source-error">
                      {s.lastError}
                      {s.lastErrorAt && ` (${formatTime(when, s.lastErrorAt)})`}
                    </div>
                  )}
                </td>
                <td>{s.contacts}</td>
                <td>{t('adminSourceChanges', [String(s.changes), String(s.deletions)])}</td>
                <td>{s.lastSuccessAt ? formatTime(when, s.lastSuccessAt) : '—'}</td>
                <td>
                  <button
                    type="button"
                    class="secondary"
                    data-testid="admin-source-sync"
                    disabled={syncing !== null}
                    onClick={() => void syncNow(s.name)}
                  >
                    {syncing === s.name ? t('adminSourcesSyncing') : t('adminSourcesSync')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorNote error={error} testId="admin-sources-error" />
    </div>
  );
}
