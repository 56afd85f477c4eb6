import { useMemo } from 'preact/hooks';
import { t } from '../shared/rpc.ts';
import { errorText } from '../shared/uiText.ts';
import type { StatusState } from './useStatus.ts';

export function ContactsSection({
  sync,
  syncing,
  syncNow,
}: Pick<StatusState, 'sync' | 'syncing' | 'syncNow'>) {
  const count = useMemo(() => new Intl.NumberFormat(), []);
  const when = useMemo(
    () => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
    [],
  );
  const lastSync = sync?.lastSyncAt ? new Date(sync.lastSyncAt) : null;
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
      </dl>
      {sync?.error && (
        <p class="field-error" data-testid="sync-error">
          {errorText(sync.error, t)}
        </p>
      )}
      <button type="button" id="sync-now" class="secondary" disabled={syncing} onClick={() => void syncNow()}>
        {syncing ? t('syncing') : t('syncNow')}
      </button>
    </section>
  );
}
