import { useState } from 'preact/hooks';
import { t } from '../shared/ui/messageClient.ts';
import { ConnectionTest } from './ConnectionTest.tsx';
import { TextField } from './Field.tsx';
import { PairingField } from './PairingField.tsx';
import type { SettingsForm } from './useSettingsForm.ts';

export function ConnectionSection({ bind }: Pick<SettingsForm, 'bind'>) {
  const [showToken, setShowToken] = useState(false);
  return (
    <section aria-labelledby="sec-connection">
      <h2 id="sec-connection">{t('sectionConnection')}</h2>
      <TextField
        field="relayUrl"
        label={t('labelRelayUrl')}
        bind={bind('relayUrl')}
        type="url"
        placeholder="https://relay.example.com"
        hint={t('relayUrlHelp')}
      />
      <TextField
        field="agentToken"
        label={t('labelAgentToken')}
        bind={bind('agentToken')}
        type={showToken ? 'text' : 'password'}
        hint={t('agentTokenHelp')}
        after={
          <button
            type="button"
            id="toggle-token"
            class="secondary"
            aria-controls="agentToken"
            aria-pressed={showToken}
            onClick={() => setShowToken(!showToken)}
          >
            {showToken ? t('hideToken') : t('showToken')}
          </button>
        }
      />
      <PairingField relayUrl={bind('relayUrl').value} onToken={bind('agentToken').onValue} />
      <ConnectionTest relayUrl={bind('relayUrl').value} token={bind('agentToken').value} />
    </section>
  );
}
