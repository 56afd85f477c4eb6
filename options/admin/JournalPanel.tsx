// The relay's call journal: which CRMs calls are written to, how many records wait, and the recent
// writes and failures in the CRM's own words; "Retry" queues a failed record again once the admin
// fixed its cause (a password, a user id, a CRM that was down too long).
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { t } from '../../shared/ui/messageClient.ts';
import { ErrorNote } from './AdminBits.tsx';
import type { AdminClient, AdminError, JournalList } from './adminApi.ts';
import { formatTime, pageDateFormat } from './TokensPanel.tsx';

export function JournalPanel({ client }: { client: AdminClient }) {
  const [journal, setJournal] = useState<JournalList | null>(null);
  const [error, setError] = useState<AdminError | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);
  const when = useMemo(() => pageDateFormat({ dateStyle: 'short', timeStyle: 'medium' }), []);

  const load = useCallback(async () => {
    const res = await client.journal();
    setError(res.ok ? null : res.error);
    if (res.ok) setJournal(res.value);
  }, [client]);

  useEffect(() => {
    void load();
  }, [load]);

  const retry = async (key: string, writer: string) => {
    setRetrying(`${key}/${writer}`);
    const res = await client.retryJournal(key, writer);
    setRetrying(null);
    setError(res.ok ? null : res.error);
    await load();
  };

  return (
    <div class="admin-panel" data-testid="admin-journal">
      <h3>{t('adminJournalTitle')}</h3>
      <p class="hint">{t('adminJournalHelp')}</p>
      {journal && !journal.configured && <p class="muted">{t('adminJournalOff')}</p>}
      {journal?.configured && (
        <>
          <p data-testid="admin-journal-summary">
            {t('adminJournalSummary', [
              journal.writers.map((w) => `${w.name} (${w.kind})`).join(', '),
              String(journal.pending),
              String(journal.dead),
            ])}
          </p>
          <div class="admin-table-wrap">
            <table class="admin-table">
              <thead>
                <tr>
                  <th scope="col">{t('adminColQueued')}</th>
                  <th scope="col">{t('colCaller')}</th>
                  <th scope="col">{t('adminColWriter')}</th>
                  <th scope="col">{t('adminColState')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('adminJournalRetry')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {journal.entries.length === 0 && (
                  <tr>
                    <td colSpan={5} class="muted">
                      {t('adminJournalEmpty')}
                    </td>
                  </tr>
                )}
                {journal.entries.map((e) => (
                  <tr key={`${e.key}/${e.writer}`} data-testid="admin-journal-row" data-status={e.status}>
                    <td>{formatTime(when, e.createdAt)}</td>
                    <td>
                      <bdi dir="ltr">{e.callerId}</bdi>
                      {e.contactName && <div class="muted">{e.contactName}</div>}
                      <div class="muted">
                        {t(e.type === 'task' ? 'adminJournalTask' : 'adminJournalCall')}
                      </div>
                    </td>
                    <td dir="ltr" class="mono">
                      {e.writer}
                    </td>
                    <td>
                      {t(`adminJournal_${e.status}`)}
                      {e.lastError && e.status !== 'written' && (
                        <div class="admin-reason" dir="auto" data-testid="admin-journal-error">
                          {e.lastError}
                        </div>
                      )}
                    </td>
                    <td>
                      {e.status === 'dead' && (
                        <button
                          type="button"
                          class="secondary"
                          data-testid="admin-journal-retry"
                          disabled={retrying !== null}
                          onClick={() => void retry(e.key, e.writer)}
                        >
                          {t('adminJournalRetry')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <ErrorNote error={error} testId="admin-journal-error-note" />
    </div>
  );
}
