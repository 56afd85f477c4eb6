import { useCallback, useState } from 'preact/hooks';
import type { FieldError } from '../shared/settings.ts';
import { ConnectionIndicator } from '../shared/ui/ConnectionIndicator.tsx';
import { t } from '../shared/ui/messageClient.ts';
import { AdminSection } from './admin/AdminSection.tsx';
import { ConnectionSection } from './ConnectionSection.tsx';
import { ContactsSection } from './ContactsSection.tsx';
import { CrmSection } from './CrmSection.tsx';
import { DiagnosticsSection } from './DiagnosticsSection.tsx';
import { ErrorList } from './ErrorList.tsx';
import { unplacedErrors } from './form.ts';
import { GuardPermission } from './GuardPermission.tsx';
import { ImportExportSection } from './ImportExportSection.tsx';
import { KeypressSection } from './KeypressSection.tsx';
import { PhoneSection } from './PhoneSection.tsx';
import { PopSection, QueueSettingsSection } from './PopSection.tsx';
import { useSettingsForm } from './useSettingsForm.ts';
import { useStatus } from './useStatus.ts';
import { WhoAmISection } from './WhoAmISection.tsx';

interface SaveResult {
  ok: boolean;
  message: string;
  /** Errors with no field on the page to sit beside. */
  errors: FieldError[];
}

export function Options() {
  const [saveResult, setSaveResult] = useState<SaveResult | null>(null);
  const [saving, setSaving] = useState(false);
  // An import under way: the form does not show it yet, so it cannot be saved yet.
  const [importing, setImporting] = useState(false);
  const clearResult = useCallback(() => setSaveResult(null), []);
  const settings = useSettingsForm(clearResult);
  const status = useStatus();

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (importing) return;
    setSaving(true);
    try {
      const res = await settings.save();
      setSaveResult({
        ok: res.ok,
        message: res.ok ? t('saved') : t('saveFailed'),
        errors: unplacedErrors(res.errors),
      });
    } catch {
      setSaveResult({ ok: false, message: t('errBackground'), errors: [] });
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <header class="page-head">
        <div>
          <h1>{t('extName')}</h1>
          <p class="hint">{t('optionsTitle')}</p>
        </div>
        <ConnectionIndicator status={status.connection} layout="inline" />
      </header>
      <main>
        {settings.loadError && (
          <p class="alert" role="alert">
            {t(settings.loadError)}
          </p>
        )}
        {settings.locked.length > 0 && (
          <p class="notice" data-testid="policy-notice">
            {t('policyNotice')}
          </p>
        )}
        {settings.policyErrors.length > 0 && (
          <div class="notice" data-testid="policy-errors">
            <p>{t('policyErrors')}</p>
            <ErrorList errors={settings.policyErrors} />
          </div>
        )}
        {settings.storedErrors.length > 0 && (
          <div class="notice" data-testid="stored-errors">
            <p>{t('storedErrors')}</p>
            <ErrorList errors={settings.storedErrors} />
          </div>
        )}
        {settings.form ? (
          <form noValidate onSubmit={onSubmit}>
            <ConnectionSection bind={settings.bind} />
            <WhoAmISection connection={status.connection} />
            <PhoneSection bind={settings.bind} />
            <CrmSection bind={settings.bind} origin={settings.origin} />
            <GuardPermission origin={settings.origin} />
            <KeypressSection bind={settings.bind} form={settings.form} />
            <PopSection bind={settings.bind} />
            <QueueSettingsSection bind={settings.bind} />
            <div class="save-bar">
              <button type="submit" id="save" class="primary" disabled={saving || importing}>
                {saving ? t('saving') : t('save')}
              </button>
              {saveResult && (
                <div class="result" data-testid="save-result" data-ok={String(saveResult.ok)} role="status">
                  <p>{saveResult.message}</p>
                  <ErrorList errors={saveResult.errors} />
                </div>
              )}
            </div>
          </form>
        ) : (
          !settings.loadError && <p class="hint">{t('loading')}</p>
        )}
        <ContactsSection sync={status.sync} syncing={status.syncing} syncNow={status.syncNow} />
        <AdminSection />
        <ImportExportSection reload={settings.reload} onBusy={setImporting} />
        <DiagnosticsSection connection={status.connection} />
      </main>
    </>
  );
}
