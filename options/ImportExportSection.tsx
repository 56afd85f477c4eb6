import { useState } from 'preact/hooks';
import type { FieldError } from '../shared/settings.ts';
import { send, t } from '../shared/ui/messageClient.ts';
import { ErrorList } from './ErrorList.tsx';
import { describeField } from './form.ts';
import {
  EXPORT_FILE_NAME,
  exportJson,
  MAX_IMPORT_BYTES,
  mergeImportUnderPolicy,
  type ParsedFile,
  parseSettingsFile,
} from './importExport.ts';

interface Result {
  ok: boolean;
  message: string;
  errors: FieldError[];
  /** Fields in the file that the enterprise policy sets, so they were left as they are. */
  skipped?: string[];
}

/** Import lays a file's settings over the stored ones (the background validates); export downloads them. */
export function ImportExportSection({
  reload,
  onBusy,
}: {
  reload: () => Promise<void>;
  /** True from the file's pick until the form shows what was imported (Save waits for it). */
  onBusy?: (busy: boolean) => void;
}) {
  const [result, setResult] = useState<Result | null>(null);
  const [busy, setBusyState] = useState(false);
  const setBusy = (value: boolean) => {
    setBusyState(value);
    onBusy?.(value);
  };

  const importFile = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    // Clearing lets the same file be chosen again after fixing it.
    input.value = '';
    if (!file) return;
    setBusy(true);
    setResult(null);
    try {
      // Checked before reading, so a wrong pick (a video) is not read into memory first.
      const parsed: ParsedFile =
        file.size > MAX_IMPORT_BYTES
          ? { ok: false, error: 'importTooLarge' }
          : parseSettingsFile(await file.text());
      if (!parsed.ok) return setResult({ ok: false, message: t(parsed.error, file.name), errors: [] });
      const current = await send('settings.get', undefined);
      const { merged, skipped } = mergeImportUnderPolicy(
        current.settings,
        parsed.value,
        current.locked ?? [],
      );
      const res = await send('settings.save', { settings: merged });
      if (!res.ok) return setResult({ ok: false, message: t('importRejected'), errors: res.errors, skipped });
      await reload();
      setResult({ ok: true, message: t('importDone'), errors: [], skipped });
    } catch {
      setResult({ ok: false, message: t('errBackground'), errors: [] });
    } finally {
      setBusy(false);
    }
  };

  const exportFile = async () => {
    setResult(null);
    try {
      const { settings } = await send('settings.get', undefined);
      const url = URL.createObjectURL(new Blob([exportJson(settings)], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = EXPORT_FILE_NAME;
      link.click();
      // The download has started by the next task; the object URL is not needed after that.
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch {
      setResult({ ok: false, message: t('errBackground'), errors: [] });
    }
  };

  return (
    <section aria-labelledby="sec-transfer">
      <h2 id="sec-transfer">{t('sectionImportExport')}</h2>
      <p class="hint">{t('importExportHelp')}</p>
      <div class="actions">
        <input
          id="import-file"
          class="visually-hidden"
          type="file"
          accept=".json,application/json"
          disabled={busy}
          onChange={(e) => void importFile(e.currentTarget)}
        />
        {/* The label is the visible button; the input stays focusable and its focus ring shows on it. */}
        <label class="button secondary" for="import-file" aria-disabled={busy}>
          {t('importSettings')}
        </label>
        <button type="button" id="export" class="secondary" onClick={() => void exportFile()}>
          {t('exportSettings')}
        </button>
      </div>
      {result && (
        <div class="result" data-testid="import-result" data-ok={String(result.ok)} role="status">
          <p>{result.message}</p>
          {result.skipped?.length ? (
            <p data-testid="import-skipped">
              {t('policyImportSkipped', result.skipped.map((f) => describeField(f, t)).join(', '))}
            </p>
          ) : null}
          <ErrorList errors={result.errors} />
        </div>
      )}
    </section>
  );
}
