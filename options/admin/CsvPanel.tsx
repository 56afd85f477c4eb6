// The mapping as a spreadsheet: export downloads `agents.csv`; import first asks the relay for a dry
// run and shows who would be added, changed and removed, and applies only when the admin confirms.
// An import replaces the whole mapping, so the confirmation is not optional.
import { useState } from 'preact/hooks';
import { t } from '../../shared/ui/messageClient.ts';
import { ErrorNote } from './AdminBits.tsx';
import type { AdminClient, AdminError } from './adminApi.ts';
import { CSV_FILE_NAME, type ImportSummary, importChanges, MAX_CSV_BYTES, shortList } from './adminModel.ts';

interface Pending {
  name: string;
  text: string;
  summary: ImportSummary;
}

export function CsvPanel({ client, onChanged }: { client: AdminClient; onChanged: () => void }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const [applied, setApplied] = useState<ImportSummary | null>(null);
  const [error, setError] = useState<AdminError | null>(null);
  const [busy, setBusy] = useState(false);

  const exportCsv = async () => {
    setError(null);
    const res = await client.exportCsv();
    if (!res.ok) return setError(res.error);
    const url = URL.createObjectURL(new Blob([res.value], { type: 'text/csv' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = CSV_FILE_NAME;
    link.click();
    // The download has started by the next task; the object URL is not needed after that.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  const pick = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    // Clearing lets the same file be chosen again after fixing it.
    input.value = '';
    if (!file) return;
    setPending(null);
    setApplied(null);
    if (file.size > MAX_CSV_BYTES) return setError({ key: 'adminErrTooLarge' });
    setBusy(true);
    const text = await file.text();
    const res = await client.importCsv(text, true);
    setBusy(false);
    setError(res.ok ? null : res.error);
    if (res.ok) setPending({ name: file.name, text, summary: res.value });
  };

  const apply = async () => {
    if (!pending) return;
    setBusy(true);
    const res = await client.importCsv(pending.text, false);
    setBusy(false);
    setError(res.ok ? null : res.error);
    if (!res.ok) return;
    setPending(null);
    setApplied(res.value);
    onChanged();
  };

  return (
    <div class="admin-panel" data-testid="admin-csv">
      <h3>{t('adminCsvTitle')}</h3>
      <p class="hint">{t('adminCsvHelp')}</p>
      <div class="actions">
        <button type="button" class="secondary" data-testid="admin-export" onClick={() => void exportCsv()}>
          {t('adminExport')}
        </button>
        <input
          id="admin-import-file"
          class="visually-hidden"
          type="file"
          accept=".csv,text/csv"
          disabled={busy}
          onChange={(e) => void pick(e.currentTarget)}
        />
        {/* The label is the visible button; the input stays focusable and its focus ring shows on it. */}
        <label class="button secondary" for="admin-import-file" aria-disabled={busy}>
          {t('adminImport')}
        </label>
      </div>
      {pending && (
        <div class="notice admin-dry-run" data-testid="admin-dry-run" role="status">
          <p>
            <strong>{t('adminDryRunTitle', pending.name)}</strong>
          </p>
          <Summary summary={pending.summary} />
          {importChanges(pending.summary) === 0 ? (
            <p>{t('adminImportNothing')}</p>
          ) : (
            <p>{t('adminImportReplaces')}</p>
          )}
          <div class="actions">
            <button
              type="button"
              class="primary"
              data-testid="admin-import-apply"
              disabled={busy || importChanges(pending.summary) === 0}
              onClick={() => void apply()}
            >
              {t('adminImportApply')}
            </button>
            <button type="button" class="secondary" onClick={() => setPending(null)}>
              {t('adminCancel')}
            </button>
          </div>
        </div>
      )}
      {applied && (
        <div class="result" data-ok="true" data-testid="admin-import-done" role="status">
          <p>{t('adminImportDone')}</p>
          <Summary summary={applied} />
        </div>
      )}
      <ErrorNote error={error} testId="admin-csv-error" />
    </div>
  );
}

function Summary({ summary }: { summary: ImportSummary }) {
  const line = (key: string, users: string[], kind: string) => {
    if (!users.length) return null;
    const { shown, more } = shortList(users);
    return (
      <li data-kind={kind}>
        {t(key, String(users.length))}{' '}
        <span dir="ltr" class="mono">
          {shown.join(', ')}
        </span>
        {more > 0 && ` ${t('adminAndMore', String(more))}`}
      </li>
    );
  };
  return (
    <ul class="admin-summary" data-testid="admin-import-summary">
      {line('adminSummaryAdded', summary.added, 'added')}
      {line('adminSummaryChanged', summary.changed, 'changed')}
      {line('adminSummaryRemoved', summary.removed, 'removed')}
      <li data-kind="unchanged">{t('adminSummaryUnchanged', String(summary.unchanged))}</li>
    </ul>
  );
}
