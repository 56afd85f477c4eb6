// Connection and contact-sync state from the background, refreshed when the background rewrites
// `connection` in storage.session.
import { useEffect, useState } from 'preact/hooks';
import type { ConnectionStatus, SyncStatus } from '../shared/messages.ts';
import browser from '../shared/platform/browser.ts';
import { send, t } from '../shared/ui/messageClient.ts';

export interface StatusState {
  connection: ConnectionStatus | null;
  sync: SyncStatus | null;
  syncing: boolean;
  syncNow: () => Promise<void>;
}

export function useStatus(): StatusState {
  const [connection, setConnection] = useState<ConnectionStatus | null>(null);
  const [sync, setSync] = useState<SyncStatus | null>(null);
  const [syncing, setSyncing] = useState(false);

  useEffect(() => {
    let seq = 0;
    const refresh = () => {
      const mine = ++seq;
      send('status.get', undefined).then(
        (res) => {
          if (mine !== seq || !res) return;
          setConnection(res.connection);
          setSync(res.sync);
        },
        () => mine === seq && setConnection({ state: 'offline', reason: t('errBackground') }),
      );
    };
    const onChanged = (changes: Record<string, unknown>, area: string) => {
      if (area === 'session' && 'connection' in changes) refresh();
    };
    browser.storage.onChanged.addListener(onChanged);
    refresh();
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, []);

  const syncNow = async () => {
    setSyncing(true);
    try {
      setSync(await send('contacts.sync', undefined));
    } catch {
      setSync((prev) => ({
        contacts: prev?.contacts ?? 0,
        lastSyncAt: prev?.lastSyncAt,
        error: 'errBackground',
      }));
    } finally {
      setSyncing(false);
    }
  };

  return { connection, sync, syncing, syncNow };
}
