import { t } from '../shared/ui/messageClient.ts';
import type { CandidateRow } from './queue.ts';

/** The other contacts a call's number matched, under its row, each a button to pick it. */
export function Others({
  others,
  busy,
  onPick,
}: {
  others: CandidateRow[];
  busy: boolean;
  onPick: (contactId: string) => void;
}) {
  return (
    <div class="candidates" data-testid="candidates">
      <span class="candidates-title">{t('candidatesTitle')}</span>
      <ul>
        {others.map((c) => (
          <li key={c.contactId}>
            <button
              type="button"
              class="candidate"
              data-testid="candidate"
              data-contact-id={c.contactId}
              aria-busy={busy}
              title={t('pickHint')}
              onClick={() => onPick(c.contactId)}
            >
              <span class="name">{c.name}</span>
              {c.company && <span class="sub">{c.company}</span>}
              <span class="reason">
                {t(c.reasonKey)}
                {c.own && ` · ${t('matchOwn')}`}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
