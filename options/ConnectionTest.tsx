// "Test connection": tries the relay address and token as typed (before saving) and says which
// step failed. Why an address does not answer (DNS, refused, TLS) needs the optional `webRequest`
// permission for the relay's origin, asked for only when the admin wants to know.
import { useState } from 'preact/hooks';
import { type ConnectionTestResult, testConnection } from '../shared/connectionTest.ts';
import browser from '../shared/platform/browser.ts';
import { relayBase } from '../shared/settings.ts';
import { t } from '../shared/ui/messageClient.ts';

type WebRequestApi = {
  onErrorOccurred: {
    addListener(cb: (d: { url: string; error: string }) => void, filter: { urls: string[] }): void;
    removeListener(cb: (d: { url: string; error: string }) => void): void;
  };
};

/** The permissions that let the page see why a request to `origin` failed. */
const netErrorPermission = (origin: string) => ({
  permissions: ['webRequest' as const],
  origins: [`${origin}/*`],
});

async function watchNetError(pattern: string, request: () => Promise<unknown>): Promise<string | null> {
  const origin = new URL(pattern.replace(/\*$/, '')).origin;
  const allowed = await browser.permissions.contains(netErrorPermission(origin)).catch(() => false);
  const webRequest = (browser as unknown as { webRequest?: WebRequestApi }).webRequest;
  if (!allowed || !webRequest) {
    await request();
    return null;
  }
  let error: string | null = null;
  const listener = (d: { error: string }) => {
    error = d.error;
  };
  webRequest.onErrorOccurred.addListener(listener, { urls: [pattern] });
  try {
    await request();
    // The error event can trail the rejected fetch by a moment.
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    webRequest.onErrorOccurred.removeListener(listener);
  }
  return error;
}

export function ConnectionTest({ relayUrl, token }: { relayUrl: string; token: string }) {
  const [result, setResult] = useState<ConnectionTestResult | null>(null);
  const [running, setRunning] = useState(false);

  const run = async () => {
    setRunning(true);
    setResult(null);
    try {
      setResult(
        await testConnection({ fetch: (url, init) => fetch(url, init), watchNetError }, relayUrl, token),
      );
    } finally {
      setRunning(false);
    }
  };

  const base = relayBase(relayUrl.trim());
  const origin = base ? new URL(base).origin : null;
  const askWhy = () => {
    if (!origin) return;
    // Must be called straight from the click: Chrome only shows its prompt for a user gesture.
    void browser.permissions.request(netErrorPermission(origin)).then((granted) => {
      if (granted) void run();
    });
  };

  return (
    <div class="field connection-test">
      <span />
      <div class="control">
        <button type="button" id="test-connection" class="secondary" disabled={running} onClick={run}>
          {running ? t('connTestRunning') : t('connTestButton')}
        </button>
        {result && (
          <p
            class={result.ok ? 'hint ok' : 'field-error'}
            role="status"
            data-testid="connection-test-result"
            data-problem={result.problem ?? 'ok'}
          >
            {result.ok ? t('connTestOk') : t(`connTest_${result.problem}`)}
            {result.detail && <bdi dir="ltr"> ({result.detail})</bdi>}
            {result.problem === 'unreachable' && !result.detail && origin && (
              <>
                {' '}
                <button type="button" class="link" id="test-connection-why" onClick={askWhy}>
                  {t('connTestWhy')}
                </button>
              </>
            )}
          </p>
        )}
      </div>
    </div>
  );
}
