import { useEffect, useState } from 'preact/hooks';
import browser from '../shared/platform/browser.ts';
import { t } from '../shared/ui/messageClient.ts';

interface Props {
  /** The CRM origin as the form holds it ('' while empty or invalid). */
  origin: string;
}

/**
 * The optional host permission for the CRM origin, which lets the pending-work guard read the CRM
 * page's forms. Asked for here, never up front: least privilege, and the agent sees why.
 */
export function GuardPermission({ origin }: Props) {
  const pattern = origin ? `${origin}/*` : '';
  const [granted, setGranted] = useState<boolean | null>(null);

  useEffect(() => {
    setGranted(null);
    if (!pattern) return;
    let live = true;
    const refresh = () =>
      void browser.permissions
        .contains({ origins: [pattern] })
        .then((has) => live && setGranted(has))
        .catch(() => live && setGranted(false));
    refresh();
    // Granted or removed elsewhere too (chrome://extensions "Site access").
    browser.permissions.onAdded.addListener(refresh);
    browser.permissions.onRemoved.addListener(refresh);
    return () => {
      live = false;
      browser.permissions.onAdded.removeListener(refresh);
      browser.permissions.onRemoved.removeListener(refresh);
    };
  }, [pattern]);

  // Chrome grants only inside the click's user gesture: request before any await.
  const allow = () => {
    void browser.permissions
      .request({ origins: [pattern] })
      .then(setGranted)
      .catch(() => setGranted(false));
  };
  const remove = () => {
    void browser.permissions
      .remove({ origins: [pattern] })
      .then((removed) => removed && setGranted(false))
      .catch(() => undefined);
  };

  return (
    <section aria-labelledby="sec-guard" data-testid="guard-permission">
      <h2 id="sec-guard">{t('guardPermTitle')}</h2>
      <p class="hint">{t('guardPermHelp')}</p>
      {!pattern ? (
        <p class="hint" data-testid="guard-permission-state" data-state="no-origin">
          {t('guardPermNoOrigin')}
        </p>
      ) : (
        <>
          <p
            role="status"
            data-testid="guard-permission-state"
            data-state={granted === null ? 'unknown' : granted ? 'granted' : 'denied'}
          >
            {granted === null ? '…' : granted ? t('guardPermGranted') : t('guardPermNotGranted')}
          </p>
          <div class="actions">
            {granted ? (
              <button type="button" onClick={remove} data-testid="guard-permission-remove">
                {t('guardPermRemove')}
              </button>
            ) : (
              <button type="button" onClick={allow} data-testid="guard-permission-allow">
                <bdi>{t('guardPermAllow', origin)}</bdi>
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
