// The contact feed's history has one contract and two homes: this process (no durable store) and
// the embedded SQLite file. Each behaviour a browser's sync relies on is checked against both, and
// the SQLite one also across a reopen (a relay restart) and at a size where memory would show.
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { ContactHistory } from '../../../../relay/contacts/contactChanges.ts';
import type { FeedHistory } from '../../../../relay/store/feedHistory.ts';
import { closeDb, openDb } from '../../../../relay/store/sqliteDb.ts';
import { SqliteFeedHistory } from '../../../../relay/store/sqliteFeedHistory.ts';
import type { Contact } from '../../../../shared/contact.ts';
import { tempDir } from '../helpers.ts';

const person = (id: string, phone: string, name = `P ${id}`): Contact => ({
  id,
  kind: 'person',
  name,
  phones: [phone],
});
const phoneOf = (i: number) => `0533 000 ${String(i).padStart(4, '0')}`;
const many = (n: number, prefix = 'c') =>
  Array.from({ length: n }, (_, i) => person(`${prefix}${i}`, phoneOf(i)));

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function sqliteHistory(versions?: number): { history: SqliteFeedHistory; reopen: () => SqliteFeedHistory } {
  const dir = tempDir();
  const path = join(dir.dir, 'relay.db');
  let db = openDb(path);
  cleanups.push(() => {
    closeDb(db);
    dir.cleanup();
  });
  return {
    history: new SqliteFeedHistory(db, 'TR', versions),
    reopen: () => {
      closeDb(db);
      db = openDb(path);
      return new SqliteFeedHistory(db, 'TR', versions);
    },
  };
}

/** Walks the feed from `after` to its end, as the extension's sync does. */
function walk(history: FeedHistory, after: string, limit = 7) {
  const contacts: Contact[] = [];
  const deleted: string[] = [];
  let cursor = after;
  for (;;) {
    const page = history.page(cursor, limit);
    if (page.reset) throw new Error('reset');
    contacts.push(...page.contacts);
    deleted.push(...page.deleted);
    cursor = page.cursor;
    if (page.done) return { contacts, deleted, cursor };
  }
}

const homes: [string, (versions?: number) => FeedHistory][] = [
  ['memory', (versions) => new ContactHistory(versions)],
  ['SQLite', (versions) => sqliteHistory(versions).history],
];

describe.each(homes)('the feed history in %s', (_, make) => {
  it('walks every contact once, then gives only what changed, with deletions', () => {
    const history = make();
    expect(history.apply(many(30))).toEqual({ upserted: 30, removed: 0 });
    const first = walk(history, '');
    expect(first.contacts.map((c) => c.id)).toEqual(many(30).map((c) => c.id));
    expect(first.deleted).toEqual([]);
    const changed = history.applyChanges(
      [person('c3', '0555 123 45 67'), person('new', '0555 000 00 01')],
      ['c9'],
    );
    expect(changed).toEqual({ upserted: 2, removed: 1 });
    const next = walk(history, first.cursor);
    expect(next.contacts.map((c) => c.id)).toEqual(['c3', 'new']);
    expect(next.deleted).toEqual(['c9']);
    expect(history.size).toBe(30);
    expect(history.applyChanges([person('c3', '0555 123 45 67')], []), 'same content').toEqual({
      upserted: 0,
      removed: 0,
    });
    expect(walk(history, next.cursor).contacts).toEqual([]);
  });

  it('a walk under way when contacts change ends on exactly the new set, nothing twice', () => {
    const history = make();
    history.apply(many(20));
    const page = history.page('', 5);
    // c0..c4 seen; c2 (seen) and c10 (not yet) change, c15 goes away, x1 comes.
    history.applyChanges(
      [person('c2', '0555 111 11 11'), person('c10', '0555 222 22 22'), person('x1', '0555 3')],
      ['c15'],
    );
    const rest = walk(history, page.cursor, 4);
    const ids = [...page.contacts, ...rest.contacts].map((c) => c.id);
    expect(new Set(ids).size, 'no contact twice except the one changed after it was seen').toBe(
      ids.length - 1,
    );
    const final = new Map([...page.contacts, ...rest.contacts].map((c) => [c.id, c]));
    for (const id of rest.deleted) final.delete(id);
    expect([...final.keys()].sort()).toEqual(
      walk(history, '')
        .contacts.map((c) => c.id)
        .sort(),
    );
    expect(final.get('c10')?.phones).toEqual(['0555 222 22 22']);
    expect(final.has('c15')).toBe(false);
  });

  it('a complete load sweeps what the source no longer has, within its own prefix only', () => {
    const history = make();
    history.applyChanges([...many(5, 'crm:'), ...many(3, 'vt:')], []);
    const sweep = history.sweep('crm:');
    history.applyChanges([person('crm:1', phoneOf(1)), person('crm:9', phoneOf(9))], [], true);
    sweep.keep(['crm:1', 'crm:9']);
    expect(sweep.finish()).toEqual({ upserted: 0, removed: 4 });
    expect(history.countIn('crm:')).toBe(2);
    expect(history.countIn('vt:')).toBe(3);
    expect(history.countIn('')).toBe(5);
  });

  it('finds contacts by phone key, and forgets the old number after a change or deletion', () => {
    const history = make();
    history.apply(many(10));
    expect(history.byPhone('+905330000004').map((c) => c.id)).toEqual(['c4']);
    history.applyChanges([person('c4', '0212 555 01 00')], ['c5']);
    expect(history.byPhone('+905330000004')).toEqual([]);
    expect(history.byPhone('+905330000005')).toEqual([]);
    expect(history.byPhone('+902125550100').map((c) => c.id)).toEqual(['c4']);
    expect(history.get('c4')?.phones).toEqual(['0212 555 01 00']);
    expect(history.get('c5')).toBeUndefined();
  });

  it('answers garbage, another epoch and cursors older than the kept history with reset', () => {
    const history = make(3);
    history.apply(many(5));
    const old = walk(history, '').cursor;
    expect(history.page('garbage', 5).reset).toBe(true);
    expect(history.page(`zz${old}`, 5).reset).toBe(true);
    for (let i = 0; i < 3; i++) history.applyChanges([person('c1', `0555 000 00 0${i}`)], []);
    const recent = walk(history, '').cursor;
    history.applyChanges([], ['c2']);
    expect(history.page(old, 5).reset, 'older than three changes').toBe(true);
    expect(walk(history, recent).deleted).toEqual(['c2']);
  });

  it('one version per load, however many pages it came in', () => {
    const history = make(2);
    history.apply(many(3));
    const cursor = walk(history, '').cursor;
    // Four pages of one load, then the load's end: still one change for the cursors.
    for (let i = 0; i < 4; i++) history.applyChanges([person(`p${i}`, phoneOf(100 + i))], [], true);
    history.applyChanges([], ['c0']);
    expect(walk(history, cursor).contacts.map((c) => c.id)).toEqual(['p0', 'p1', 'p2', 'p3']);
  });
});

describe('the feed history in SQLite', () => {
  it('survives a reopen: same epoch and sequence, a browser cursor gets only the later changes', () => {
    const { history, reopen } = sqliteHistory();
    history.apply(many(50));
    const { cursor } = walk(history, '');
    history.applyChanges([], ['c7']);
    const again = reopen();
    expect(again.epoch).toBe(history.epoch);
    expect(again.size).toBe(49);
    again.applyChanges([person('c8', '0555 999 99 99')], []);
    const next = walk(again, cursor);
    expect(next.contacts.map((c) => c.id)).toEqual(['c8']);
    expect(next.deleted).toEqual(['c7']);
    expect(again.byPhone('+905559999999').map((c) => c.id)).toEqual(['c8']);
  });

  it('keeps 200,000 contacts on disk, not in the heap', () => {
    const { history } = sqliteHistory();
    // A real collection before each reading, so the figure is what stays, not garbage.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let page = 0; page < 40; page++)
      history.applyChanges(
        Array.from({ length: 5000 }, (_, i) => {
          const n = page * 5000 + i;
          return person(`c${n}`, `0532 ${String(n).padStart(7, '0')}`);
        }),
        [],
        page < 39,
      );
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(history.size).toBe(200_000);
    expect(history.byPhone('+905320123456').map((c) => c.id)).toEqual(['c123456']);
    // In memory the same contacts take well over 100 MB of heap (objects, maps, index).
    expect(grown, `heap grew ${Math.round(grown / 1e6)} MB`).toBeLessThan(40e6);
  });
});
