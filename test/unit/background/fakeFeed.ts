// A stateful fake of the relay's contact feed (shared/contact.ts): `after=''` walks a snapshot
// (`s:OFFSET:SEQ`), a finished walk hands out `c:SEQ`, and `c:SEQ` returns the changes since.
import type { Contact, ContactPage } from '../../../shared/contact.ts';

export class FakeFeed {
  readonly contacts = new Map<string, Contact>();
  /** One entry per change: the id and whether it was a deletion. */
  private log: { id: string; deleted: boolean }[] = [];
  requests: string[] = [];
  resetNext = false;

  constructor(initial: Contact[] = []) {
    for (const c of initial) this.contacts.set(c.id, c);
  }

  upsert(c: Contact): void {
    this.contacts.set(c.id, c);
    this.log.push({ id: c.id, deleted: false });
  }

  remove(id: string): void {
    this.contacts.delete(id);
    this.log.push({ id, deleted: true });
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    this.requests.push(`${url.pathname}${url.search} ${new Headers(init?.headers).get('authorization')}`);
    const after = url.searchParams.get('after') ?? '';
    const limit = Number(url.searchParams.get('limit'));
    return json(this.page(after, limit));
  };

  private page(after: string, limit: number): ContactPage {
    const total = this.contacts.size;
    if (this.resetNext) {
      this.resetNext = false;
      return { contacts: [], deleted: [], reset: true, cursor: '', done: false, total };
    }
    if (after.startsWith('c:')) {
      const since = Number(after.slice(2));
      const changes = this.log.slice(since);
      const deleted = [...new Set(changes.filter((c) => c.deleted).map((c) => c.id))].filter(
        (id) => !this.contacts.has(id),
      );
      const ids = [...new Set(changes.filter((c) => !c.deleted).map((c) => c.id))];
      const contacts = ids.flatMap((id) => this.contacts.get(id) ?? []);
      return { contacts, deleted, cursor: `c:${this.log.length}`, done: true, total };
    }
    const [, offsetText = '0', seqText] = after.split(':');
    const offset = Number(offsetText);
    const seq = seqText ?? String(this.log.length);
    const all = [...this.contacts.values()].sort((a, b) => a.id.localeCompare(b.id));
    const done = offset + limit >= all.length;
    return {
      contacts: all.slice(offset, offset + limit),
      deleted: [],
      cursor: done ? `c:${seq}` : `s:${offset + limit}:${seq}`,
      done,
      total,
    };
  }
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export const person = (i: number, over: Partial<Contact> = {}): Contact => ({
  id: `P-${String(i).padStart(4, '0')}`,
  kind: 'person',
  name: `Kişi ${i}`,
  phones: [`0533 100 ${String(i).padStart(4, '0')}`],
  ...over,
});
