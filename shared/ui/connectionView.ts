// What the connection indicator says for a ConnectionStatus, in the popup and the options page.
import type { ConnectionState, ConnectionStatus } from '../messages.ts';
import type { Translate } from './uiText.ts';

/** `_locales` key per state, spelled out so the locale test can check every one exists. */
export const CONNECTION_KEYS: Record<ConnectionState, string> = {
  unconfigured: 'conn_unconfigured',
  connecting: 'conn_connecting',
  connected: 'conn_connected',
  offline: 'conn_offline',
  unauthorized: 'conn_unauthorized',
};

export interface ConnectionView {
  state: ConnectionState;
  label: string;
  /** The agent's user and extensions, only while connected. */
  detail: string | null;
  /** The reason, as a tooltip. */
  title: string | undefined;
  /** How the stream arrives ("via Server-Sent Events"), once the worker reported a transport. */
  transport: string | null;
}

export function connectionView(status: ConnectionStatus, t: Translate): ConnectionView {
  const state = status.state in CONNECTION_KEYS ? status.state : 'offline';
  let detail: string | null = null;
  if (state === 'connected') {
    const extensions = status.extensions?.filter(Boolean).join(', ') ?? '';
    detail = [status.user, extensions && t('extensionsList', extensions)].filter(Boolean).join(' · ') || null;
  }
  const transport =
    status.transport && state !== 'unconfigured' && state !== 'unauthorized'
      ? t('connVia', t(`transport_${status.transport}`))
      : null;
  return { state, label: t(CONNECTION_KEYS[state]), detail, title: status.reason || undefined, transport };
}
