// "Pairing code": instead of handing an agent a 43-character token, the admin issues a one-time
// code (valid 15 minutes) that the agent types in their own options page, which trades it for a
// token of that browser's own.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../shared/ui/messageClient.ts';
import { ErrorNote } from './AdminBits.tsx';
import type { AdminClient, AdminError } from './adminApi.ts';

interface Props {
  client: AdminClient;
  user: string;
  formatTime: (iso: string) => string;
}

export function PairingCode({ client, user, formatTime }: Props) {
  const [code, setCode] = useState<{ code: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<AdminError | null>(null);
  const [busy, setBusy] = useState(false);
  // A code belongs to the agent it was issued for: choosing another agent hides it.
  useEffect(() => setCode(null), [user]);

  const issue = async () => {
    setBusy(true);
    const res = await client.issuePairing(user);
    setBusy(false);
    setError(res.ok ? null : res.error);
    setCode(res.ok ? res.value : null);
  };

  return (
    <div class="admin-pairing">
      <button type="button" class="secondary" data-testid="admin-pairing" disabled={busy} onClick={issue}>
        {t('adminPairingButton')}
      </button>
      {code && (
        <p class="notice" role="status" data-testid="admin-pairing-code">
          {t('adminPairingIssued', [user, formatTime(code.expiresAt)])}{' '}
          <strong class="mono" dir="ltr">
            {code.code}
          </strong>
        </p>
      )}
      <ErrorNote error={error} testId="admin-pairing-error" />
    </div>
  );
}
