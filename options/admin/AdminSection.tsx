// The options page's Admin section: with the relay's admin token, the extension ↔ user mapping,
// agent tokens, who is connected and the CSV import/export. The admin token stays in this page's
// memory unless the admin asks to remember it; then it is kept in storage.session, which the browser
// clears when it closes and content scripts cannot read.
import { useCallback, useEffect, useState } from 'preact/hooks';
import browser from '../../shared/platform/browser.ts';
import { relayBase } from '../../shared/settings.ts';
import { send, t } from '../../shared/ui/messageClient.ts';
import { ErrorNote, problemText } from './AdminBits.tsx';
import { type AdminClient, type AdminError, adminClient } from './adminApi.ts';
import { type AgentView, sortAgents, validateAdminToken } from './adminModel.ts';
import { ConnectionsPanel } from './ConnectionsPanel.tsx';
import { ContactSourcesPanel } from './ContactSourcesPanel.tsx';
import { CsvPanel } from './CsvPanel.tsx';
import { JournalPanel } from './JournalPanel.tsx';
import { MappingTable } from './MappingTable.tsx';
import { TokensPanel } from './TokensPanel.tsx';
import './admin.css';

const REMEMBER_KEY = 'adminToken';

export function AdminSection() {
  const [token, setToken] = useState('');
  const [remember, setRemember] = useState(false);
  const [touched, setTouched] = useState(false);
  const [client, setClient] = useState<AdminClient | null>(null);
  const [relay, setRelay] = useState('');
  const [agents, setAgents] = useState<AgentView[]>([]);
  const [error, setError] = useState<AdminError | null>(null);
  const [busy, setBusy] = useState(false);
  const problem = validateAdminToken(token);

  const connect = useCallback(async (value: string, keep: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const { settings } = await send('settings.get', undefined);
      const base = relayBase(settings.relayUrl);
      if (!base) return setError({ key: 'adminErrNoRelay' });
      const next = adminClient(base, value.trim(), (input, init) => fetch(input, init));
      const res = await next.listAgents();
      if (!res.ok) {
        setClient(null);
        return setError(res.error);
      }
      if (keep) await browser.storage.session.set({ [REMEMBER_KEY]: value.trim() });
      else await browser.storage.session.remove(REMEMBER_KEY);
      setRelay(base);
      setAgents(sortAgents(res.value));
      setClient(next);
    } catch {
      setError({ key: 'errBackground' });
    } finally {
      setBusy(false);
    }
  }, []);

  // A remembered token connects by itself when the page opens.
  useEffect(() => {
    browser.storage.session.get(REMEMBER_KEY).then(
      (got) => {
        const saved = got[REMEMBER_KEY];
        if (typeof saved !== 'string' || !saved) return;
        setToken(saved);
        setRemember(true);
        void connect(saved, true);
      },
      () => undefined,
    );
  }, [connect]);

  const disconnect = async () => {
    setClient(null);
    setAgents([]);
    setToken('');
    setRemember(false);
    await browser.storage.session.remove(REMEMBER_KEY).catch(() => undefined);
  };

  const reload = useCallback(async () => {
    if (!client) return;
    const res = await client.listAgents();
    setError(res.ok ? null : res.error);
    if (res.ok) setAgents(sortAgents(res.value));
  }, [client]);

  const onChanged = useCallback(
    (agent?: AgentView, removed?: string) => {
      // The relay's answer is the row as stored; a reload also picks up other admins' changes.
      if (agent) setAgents((list) => sortAgents([...list.filter((a) => a.user !== agent.user), agent]));
      if (removed) setAgents((list) => list.filter((a) => a.user !== removed));
      void reload();
    },
    [reload],
  );

  const showProblem = touched && problem;
  const tokenField = (
    <form
      class="admin-connect"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTouched(true);
        if (!problem) void connect(token, remember);
      }}
    >
      <div class="field">
        <label for="admin-token">{t('adminTokenLabel')}</label>
        <div class="control">
          <div class="inline">
            <input
              id="admin-token"
              type="password"
              dir="ltr"
              spellcheck={false}
              autocomplete="off"
              value={token}
              aria-invalid={showProblem ? true : undefined}
              aria-describedby={showProblem ? 'admin-token-hint admin-token-error' : 'admin-token-hint'}
              onInput={(e) => setToken(e.currentTarget.value)}
              onBlur={() => setTouched(true)}
            />
            <button type="submit" class="primary" id="admin-connect" disabled={busy}>
              {busy ? t('adminConnecting') : t('adminConnect')}
            </button>
          </div>
          <p class="hint" id="admin-token-hint">
            {t('adminTokenHint')}
          </p>
          {showProblem && (
            <p class="field-error" id="admin-token-error" data-error-for="adminToken">
              {problemText(problem)}
            </p>
          )}
          <label class="admin-check">
            <input
              type="checkbox"
              id="admin-remember"
              checked={remember}
              onChange={(e) => setRemember(e.currentTarget.checked)}
            />
            {t('adminRemember')}
          </label>
        </div>
      </div>
    </form>
  );

  return (
    <section aria-labelledby="sec-admin" class="admin" data-testid="admin-section">
      <h2 id="sec-admin">{t('adminSection')}</h2>
      <p class="hint">{t('adminHelp')}</p>
      {client ? (
        <div class="admin-connected actions" data-testid="admin-connected">
          <span>
            {t('adminConnectedTo')}{' '}
            <span dir="ltr" class="mono">
              {relay}
            </span>
          </span>
          <button type="button" class="secondary" id="admin-disconnect" onClick={() => void disconnect()}>
            {t('adminDisconnect')}
          </button>
        </div>
      ) : (
        tokenField
      )}
      <ErrorNote error={error} testId="admin-error" />
      {client && (
        <>
          <MappingTable client={client} agents={agents} onChanged={onChanged} />
          <TokensPanel client={client} agents={agents} onChanged={() => onChanged()} />
          <ConnectionsPanel client={client} />
          <ContactSourcesPanel client={client} />
          <JournalPanel client={client} />
          <CsvPanel client={client} onChanged={() => onChanged()} />
        </>
      )}
    </section>
  );
}
