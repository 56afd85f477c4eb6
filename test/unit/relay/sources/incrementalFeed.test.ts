// A change reported by a source is applied on its own: the history records what changed and the
// browser's cursor gets exactly that, without a pass over every contact.
import { describe, expect, it } from 'vitest';
import { ContactHistory } from '../../../../relay/contacts/contactChanges.ts';
import type { Contact } from '../../../../shared/contact.ts';

const person = (id: string, phone: string): Contact => ({
  id,
  kind: 'person',
  name: `P ${id}`,
  phones: [phone],
});

describe('ContactHistory.applyChanges', () => {
  it('records only the reported upserts and deletions; the cursor gets exactly those', () => {
    const history = new ContactHistory();
    const all = Array.from({ length: 1000 }, (_, i) =>
      person(`c${i}`, `0533 000 ${String(i).padStart(4, '0')}`),
    );
    history.apply(all);
    let page = history.page('', 5000);
    expect(page.contacts).toHaveLength(1000);
    const cursor = page.cursor;

    const changes = history.applyChanges(
      [person('c7', '0555 123 45 67'), person('new', '0555 000 00 01')],
      ['c9', 'gone'],
    );
    expect(changes, 'two upserted, one removed ("gone" never existed)').toEqual({ upserted: 2, removed: 1 });
    page = history.page(cursor, 5000);
    expect(page.contacts.map((c) => c.id)).toEqual(['c7', 'new']);
    expect(page.deleted).toEqual(['c9']);
    expect(page.total).toBe(1000);
    // The same content again is no change at all.
    expect(history.applyChanges([person('c7', '0555 123 45 67')], [])).toEqual({ upserted: 0, removed: 0 });
    expect(history.page(page.cursor, 10).contacts).toEqual([]);
  });
});
