// One agent's tokens (one per browser): list, issue with a label, revoke. A new token is shown this
// once only, with a copy button; the relay keeps only its hash.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { t } from '../../shared/ui/messageClient.ts';
import { ConfirmButton, ErrorNote, problemText } from './AdminBits.tsx';
import type { AdminClient, AdminError, IssuedToken } from './adminApi.ts';
import { type AgentView, validateLabel } from './adminModel.ts';
import { PairingCode } from './PairingCode.tsx';

interface Props {
  client: AdminClient;
  agents: readonly AgentView[];
  onChanged: (agent?: AgentView) => void;
}

export function TokensPanel({ client, agents, onChanged }: Props) {
  const [user, setUser] = useState(agents[0]?.user ?? '');
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const [error, setError] = useState<AdminError | null>(null);
  const [busy, setBusy] = useState(false);
  const when = useMemo(() => pageDateFormat({ dateStyle: 'medium', timeStyle: 'short' }), []);
  // A removed agent leaves the choice on the first one still there.
  useEffect(() => {
    if (!agents.some((a) => a.user === user)) setUser(agents[0]?.user ?? '');
  }, [agents, user]);
  const agent = agents.find((a) => a.user === user);
  const labelProblem = validateLabel(label);

  // The tokens count in the table and this list both come from the section's reload.
  const refresh = () => onChanged();

  const issue = async (event: Event) => {
    event.preventDefault();
    if (!agent || labelProblem) return;
    setBusy(true);
    const res = await client.issueToken(agent.user, label.trim());
    setBusy(false);
    setError(res.ok ? null : res.error);
    if (!res.ok) return;
    setIssued(res.value);
    setLabel('');
    refresh();
  };

  const revoke = async (tokenId: string) => {
    if (!agent) return;
    const res = await client.revokeToken(agent.user, tokenId);
    setError(res.ok ? null : res.error);
    if (res.ok && issued?.id === tokenId) setIssued(null);
    refresh();
  };

  return (
    <div class="admin-panel" data-testid="admin-tokens">
      <h3>{t('adminTokensTitle')}</h3>
      <p class="hint">{t('adminTokensHelp')}</p>
      <div class="admin-inline-field">
        <label for="admin-token-user">{t('adminTokensFor')}</label>
        <select
          id="admin-token-user"
          value={user}
          onChange={(e) => {
            setUser(e.currentTarget.value);
            setIssued(null);
            setError(null);
          }}
        >
          {agents.map((a) => (
            <option key={a.user} value={a.user}>
              {a.name && a.name !== a.user ? `${a.user} (${a.name})` : a.user}
            </option>
          ))}
        </select>
      </div>
      {agent && (
        <>
          <div class="admin-table-wrap">
            <table class="admin-table" data-testid="admin-token-list">
              <thead>
                <tr>
                  <th scope="col">{t('adminColTokenId')}</th>
                  <th scope="col">{t('adminColLabel')}</th>
                  <th scope="col">{t('adminColCreated')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('adminColActions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {agent.tokens.length === 0 && (
                  <tr>
                    <td colSpan={4} class="muted">
                      {t('adminNoTokens')}
                    </td>
                  </tr>
                )}
                {agent.tokens.map((tok) => (
                  <tr key={tok.id} data-testid="admin-token-row" data-token-id={tok.id}>
                    <td dir="ltr" class="mono">
                      {tok.id}
                    </td>
                    <td dir="auto">{tok.label}</td>
                    <td>
                      <time dateTime={tok.createdAt}>{formatTime(when, tok.createdAt)}</time>
                    </td>
                    <td class="admin-row-actions">
                      <ConfirmButton
                        label={t('adminRevoke')}
                        question={t('adminRevokeQuestion', tok.label || tok.id)}
                        confirmLabel={t('adminRevokeYes')}
                        testId="admin-revoke"
                        onConfirm={() => revoke(tok.id)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form class="admin-issue" noValidate onSubmit={issue}>
            <label for="admin-token-label">{t('adminColLabel')}</label>
            <input
              id="admin-token-label"
              type="text"
              dir="auto"
              value={label}
              placeholder={t('adminLabelPlaceholder')}
              aria-invalid={labelProblem ? true : undefined}
              aria-describedby={labelProblem ? 'admin-token-label-error' : undefined}
              onInput={(e) => setLabel(e.currentTarget.value)}
            />
            <button type="submit" class="primary" data-testid="admin-issue" disabled={busy || !!labelProblem}>
              {t('adminIssue')}
            </button>
          </form>
          {labelProblem && (
            <p class="field-error" id="admin-token-label-error" data-error-for="label">
              {problemText(labelProblem)}
            </p>
          )}
        </>
      )}
      {agent && <PairingCode client={client} user={agent.user} formatTime={(iso) => formatTime(when, iso)} />}
      {issued && <IssuedNote issued={issued} onDone={() => setIssued(null)} />}
      <ErrorNote error={error} testId="admin-token-error" />
    </div>
  );
}

function IssuedNote({ issued, onDone }: { issued: IssuedToken; onDone: () => void }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(issued.token);
      setCopied(true);
    } catch {
      // Without clipboard access the admin selects the text, which the field makes easy.
      setCopied(false);
    }
  };
  return (
    <div class="notice admin-issued" role="status" data-testid="admin-issued">
      <p>
        <strong>{t('adminIssuedWarning', issued.user)}</strong>
      </p>
      <div class="inline">
        <input
          type="text"
          readOnly
          dir="ltr"
          class="mono"
          value={issued.token}
          data-testid="admin-issued-token"
          aria-label={t('adminIssuedLabel')}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" class="secondary" data-testid="admin-copy" onClick={() => void copy()}>
          {t('adminCopy')}
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          {t('adminIssuedDone')}
        </button>
      </div>
      {copied !== null && <p class="hint">{t(copied ? 'adminCopied' : 'adminCopyFailed')}</p>}
    </div>
  );
}

/** Dates in the language the page is shown in (main.tsx sets it), not the browser's UI language. */
export function pageDateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, options);
  } catch {
    return new Intl.DateTimeFormat(undefined, options);
  }
}

export function formatTime(format: Intl.DateTimeFormat, iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : format.format(d);
}
