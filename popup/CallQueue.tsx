import type { QueuedCall } from '../shared/messages.ts';
import { t } from '../shared/rpc.ts';
import { errorText } from '../shared/uiText.ts';
import { type CallRow, type CandidateRow, type FormatDate, NO_VALUE, toCallRow } from './queue.ts';

interface Props {
  calls: QueuedCall[];
  formatDate: FormatDate;
  /** The id of the call being resumed, to mark its row busy. */
  pendingId: string | null;
  onResume: (id: string) => void;
  /** Opens the call's action for another contact its number matched. */
  onPick: (id: string, contactId: string) => void;
}

/**
 * The call queue as a dense table; each row is a button that opens the call's action again. A call
 * whose number matched several contacts lists the others under its row, each a button to pick it.
 */
export function CallQueue({ calls, formatDate, pendingId, onResume, onPick }: Props) {
  return (
    <div class="queue">
      <div class="queue-row queue-head">
        <span>{t('colDateTime')}</span>
        <span>{t('colNumber')}</span>
        <span title={t('colExtension')}>{t('colExtension')}</span>
        <span title={t('colCallId')}>{t('colCallId')}</span>
        <span>{t('colCaller')}</span>
        <span title={t('colKeypress')}>{t('colKeypress')}</span>
      </div>
      <ol class="queue-list">
        {calls.map((call) => {
          const row = toCallRow(call, formatDate);
          return (
            <li key={call.id}>
              <Row row={row} busy={pendingId === call.id} onResume={onResume} />
              {row.others.length > 0 && (
                <Others others={row.others} busy={pendingId === call.id} onPick={(c) => onPick(row.id, c)} />
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function Row({ row, busy, onResume }: { row: CallRow; busy: boolean; onResume: (id: string) => void }) {
  return (
    <button
      type="button"
      class="queue-row"
      data-testid="call-row"
      data-id={row.id}
      data-call-id={row.callId}
      aria-busy={busy}
      title={t('resumeHint')}
      onClick={() => onResume(row.id)}
    >
      <time class="c-when" dateTime={row.at}>
        {/* A formatted time such as "11:43 AM" keeps its own order inside a right-to-left page. */}
        <bdi>{row.time}</bdi>
        <bdi class="sub">{row.date}</bdi>
      </time>
      <span class="c-number" title={row.callerId}>
        <bdi dir="ltr">{row.number}</bdi>
      </span>
      <span class="c-ext">
        <bdi dir="ltr">{row.extension}</bdi>
      </span>
      <span class="c-callid" title={row.callId}>
        <bdi dir="ltr">{row.callId}</bdi>
      </span>
      <span class="c-caller">
        {row.caller ? <span class="name">{row.caller}</span> : <span class="muted">{NO_VALUE}</span>}
        {row.company && <span class="sub">{row.company}</span>}
      </span>
      <span class="c-key" title={t(row.actionKey)}>
        {row.keypress}
      </span>
      {row.errorKey && (
        <span class="c-error" data-testid="call-error">
          {errorText(row.errorKey, t)}
        </span>
      )}
    </button>
  );
}

function Others({
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
