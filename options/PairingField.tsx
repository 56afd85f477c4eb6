// "Have a pairing code?": the admin issued a one-time code for this agent; the relay trades it for
// the agent's own token, which lands in the token field (saved with the rest of the form).
import { useState } from 'preact/hooks';
import { relayBase } from '../shared/settings.ts';
import { t } from '../shared/ui/messageClient.ts';

type PairState =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'ok'; who: string }
  | { kind: 'error'; key: string };

const ERROR_KEYS: Record<number, string> = { 400: 'pairBadCode', 404: 'pairUnknownCode', 429: 'pairTooMany' };

export function PairingField({ relayUrl, onToken }: { relayUrl: string; onToken: (token: string) => void }) {
  const [code, setCode] = useState('');
  const [state, setState] = useState<PairState>({ kind: 'idle' });

  const pair = async () => {
    const base = relayBase(relayUrl.trim());
    if (!base) return setState({ kind: 'error', key: 'pairNeedsRelay' });
    setState({ kind: 'busy' });
    try {
      const res = await fetch(`${base}/v1/pair`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: code.trim() }),
      });
      if (!res.ok) return setState({ kind: 'error', key: ERROR_KEYS[res.status] ?? 'pairFailed' });
      const body = (await res.json()) as { token: string; user: string; name?: string };
      onToken(body.token);
      setCode('');
      setState({
        kind: 'ok',
        who: body.name && body.name !== body.user ? `${body.name} (${body.user})` : body.user,
      });
    } catch {
      setState({ kind: 'error', key: 'connTest_unreachable' });
    }
  };

  return (
    <div class="field">
      <label for="pairingCode">{t('labelPairingCode')}</label>
      <div class="control">
        <div class="inline">
          <input
            id="pairingCode"
            type="text"
            dir="ltr"
            autocomplete="off"
            spellcheck={false}
            placeholder="ABCD-2345"
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
          <button
            type="button"
            id="pair"
            class="secondary"
            disabled={state.kind === 'busy' || !code.trim()}
            onClick={pair}
          >
            {t('pairButton')}
          </button>
        </div>
        {state.kind === 'ok' && (
          <p class="hint ok" role="status" data-testid="pair-result" data-ok="true">
            {t('pairDone', state.who)}
          </p>
        )}
        {state.kind === 'error' && (
          <p class="field-error" role="status" data-testid="pair-result" data-ok="false">
            {t(state.key)}
          </p>
        )}
        {state.kind !== 'ok' && state.kind !== 'error' && <p class="hint">{t('pairingHelp')}</p>}
      </div>
    </div>
  );
}
