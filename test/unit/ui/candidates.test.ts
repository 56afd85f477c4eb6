import { describe, expect, it } from 'vitest';
import { type FormatDate, toCallRow } from '../../../popup/queue.ts';
import type { QueuedCall } from '../../../shared/messages.ts';

const fixedFormat: FormatDate = (when) => ({ date: when.toISOString().slice(0, 10), time: '' });

const call = (over: Partial<QueuedCall>): QueuedCall => ({
  id: 'A1',
  callId: 'A1',
  state: 'answered',
  at: '2026-11-22T10:00:00.000Z',
  callerId: '05334979714',
  extension: '911',
  action: 'card',
  ...over,
});

describe('other matches under a queue row', () => {
  it('lists every candidate but the one popped, with its reason and whether it is the agent’s', () => {
    const row = toCallRow(
      call({
        contact: { id: 'P-1', kind: 'person', name: 'Ayşe Demir' },
        candidates: [
          { id: 'P-1', kind: 'person', name: 'Ayşe Demir', reason: 'exact', phone: '0533', own: true },
          {
            id: 'P-2',
            kind: 'person',
            name: 'Ali Kaya',
            company: 'Kaya Ltd',
            reason: 'exact',
            phone: '0533',
            own: false,
          },
          { id: 'C-1', kind: 'company', name: 'Kaya Ltd', reason: 'approximate', phone: '0533', own: false },
        ],
      }),
      fixedFormat,
    );
    expect(row.others).toEqual([
      { contactId: 'P-2', name: 'Ali Kaya', company: 'Kaya Ltd', reasonKey: 'match_exact', own: false },
      { contactId: 'C-1', name: 'Kaya Ltd', company: null, reasonKey: 'match_approximate', own: false },
    ]);
  });

  it('has no others for a call with one match or none', () => {
    expect(toCallRow(call({}), fixedFormat).others).toEqual([]);
  });
});
