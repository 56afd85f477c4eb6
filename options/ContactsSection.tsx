import { useEffect, useMemo, useState } from 'preact/hooks';
import type { SyncStatus } from '../shared/messages.ts';
import { SYNC_MINUTES_MAX, SYNC_MINUTES_MIN } from '../shared/settings.ts';
import { send, t } from '../shared/ui/messageClient.ts';
import { errorText } from '../shared/ui/uiText.ts';
import { LockedNote } from './Field.tsx';
import type { StatusState } from './useStatus.ts';

// How often the section asks the background for progress while a sync runs.
const PROGRESS_POLL_MS = 1000;

export function ContactsSection({
  sync: fromParent,
  syncing,
  syncNow,
}: Pick<StatusState, 'sync' | 'syncing' | 'syncNow'>) {
  const count = useMemo(() => new Intl.NumberFormat(), []);
  const when = useMemo(
    () => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
    [],
  );
  const sync = useLiveSync(fromParent, syncing);
  const lastSync = sync?.lastSyncAt ? new Date(sync.lastSyncAt) : null;
  const progress = sync?.progress;
  const last = sync?.last;
  const error = sync?.error ?? last?.error;
  return (
    <section aria-labelledby="sec-contacts">
      <h2 id="sec-contacts">{t('sectionContacts')}</h2>
      <p class="hint">{t('contactsHelp')}</p>
      <dl class="facts">
        <dt>{t('contactsCached')}</dt>
        <dd data-testid="contacts-count">{sync ? count.format(sync.contacts) : '…'}</dd>
        <dt>{t('contactsLastSync')}</dt>
        <dd data-testid="contacts-last-sync">
          {lastSync && !Number.isNaN(lastSync.getTime()) ? (
            <time dateTime={sync?.lastSyncAt}>{when.format(lastSync)}</time>
          ) : (
            t('contactsNeverSynced')
          )}
        </dd>
        {progress && (
          <>
            <dt>{t('contactsSyncRunning')}</dt>
            <dd data-testid="sync-progress">
              <progress max={Math.max(progress.total, progress.done, 1)} value={progress.done} />{' '}
              {t('contactsProgress', [
                count.format(progress.done),
                count.format(progress.total),
                count.format(progress.ratePerSecond),
              ])}
            </dd>
          </>
        )}
        {last && (
          <>
            <dt>{t('contactsLastResult')}</dt>
            <dd data-testid="sync-last-result">
              {t('contactsResultCounts', [
                count.format(last.added),
                count.format(last.changed),
                count.format(last.deleted),
              ])}
            </dd>
          </>
        )}
      </dl>
      {error && (
        <p class="field-error" data-testid="sync-error">
          {errorText(error, t)}
        </p>
      )}
      <button type="button" id="sync-now" class="secondary" disabled={syncing} onClick={() => void syncNow()}>
        {syncing ? t('syncing') : t('syncNow')}
      </button>
      <SyncInterval />
    </section>
  );
}

/** The parent's status, replaced by fresher answers polled while a sync is running. */
function useLiveSync(fromParent: SyncStatus | null, syncing: boolean): SyncStatus | null {
  const [polled, setPolled] = useState<SyncStatus | null>(null);
  // A new answer from the parent (e.g. the end of "Sync now") is newer than any poll.
  useEffect(() => setPolled(null), [fromParent]);
  const running = syncing || Boolean((polled ?? fromParent)?.progress);
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(() => {
      send('status.get', undefined).then(
        (res) => res && setPolled(res.sync),
        () => undefined,
      );
    }, PROGRESS_POLL_MS);
    return () => clearInterval(timer);
  }, [running]);
  return polled ?? fromParent;
}

/**
 * The scheduled sync interval (admin setting `contactSyncMinutes`). It is saved on its own, over the
 * stored settings, because the main settings form does not carry it.
 */
function SyncInterval() {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  // Set by the enterprise policy: shown, not editable.
  const [locked, setLocked] = useState(false);
  useEffect(() => {
    send('settings.get', undefined).then(
      (res) => {
        if (!res) return;
        setValue(String(res.settings.contactSyncMinutes ?? ''));
        setLocked(res.locked?.includes('contactSyncMinutes') ?? false);
      },
      () => setError('errBackground'),
    );
  }, []);
  const save = async () => {
    setSaved(false);
    setError(null);
    try {
      const { settings } = await send('settings.get', undefined);
      const minutes = value.trim() === '' ? Number.NaN : Number(value);
      const res = await send('settings.save', { settings: { ...settings, contactSyncMinutes: minutes } });
      if (res.ok) setSaved(true);
      else setError(res.errors[0]?.code ?? 'errSyncMinutes');
    } catch {
      setError('errBackground');
    }
  };
  return (
    <div class="field">
      <label for="contact-sync-minutes">{t('labelSyncMinutes')}</label>
      {/* One grid cell beside the label: the controls and their error. */}
      <div>
        <div style={{ display: 'flex', gap: '8px', alignItems: 'center' }}>
          <input
            id="contact-sync-minutes"
            type="number"
            min={SYNC_MINUTES_MIN}
            max={SYNC_MINUTES_MAX}
            step={1}
            dir="ltr"
            value={value}
            disabled={locked}
            style={{ width: '6em' }}
            aria-invalid={error ? true : undefined}
            aria-describedby={
              [locked ? 'contact-sync-minutes-locked' : '', error ? 'contact-sync-minutes-error' : '']
                .filter(Boolean)
                .join(' ') || undefined
            }
            onInput={(e) => setValue(e.currentTarget.value)}
          />
          <button type="button" class="secondary" disabled={locked} onClick={() => void save()}>
            {t('saveSyncMinutes')}
          </button>
          {saved && <span class="hint">{t('saved')}</span>}
        </div>
        {locked && <LockedNote id="contact-sync-minutes-locked" field="contactSyncMinutes" />}
        {error && (
          <p class="field-error" id="contact-sync-minutes-error" data-error-for="contactSyncMinutes">
            {errorText(error, t)}
          </p>
        )}
      </div>
    </div>
  );
}
