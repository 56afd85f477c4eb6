// The live lookup on a cache miss: asks the relay for one number with a short timeout, so a contact
// created minutes ago still matches; what it finds is cached like a synced contact.
import type { ContactLookup } from '../shared/contact.ts';
import { putContacts } from './contactStore.ts';
import type { Db } from './db.ts';
import { currentGen } from './sync.ts';

export interface LookupDeps {
  db: Db;
  fetch: typeof fetch;
  relayBase: string;
  token: string;
  region: string;
  /** A pop waits on this; keep it short. */
  timeoutMs?: number;
}

const LOOKUP_TIMEOUT_MS = 800;

/** True when the relay knew contacts with this number (now cached); false on none, error or timeout. */
export async function liveLookup(deps: LookupDeps, e164: string): Promise<boolean> {
  try {
    const res = await deps.fetch(`${deps.relayBase}/v1/contacts/lookup?phone=${encodeURIComponent(e164)}`, {
      headers: { Authorization: `Bearer ${deps.token}` },
      signal: AbortSignal.timeout(deps.timeoutMs ?? LOOKUP_TIMEOUT_MS),
    });
    if (!res.ok) return false;
    const body = (await res.json()) as Partial<ContactLookup>;
    const contacts = Array.isArray(body.contacts)
      ? body.contacts.filter((c) => typeof c?.id === 'string' && Array.isArray(c.phones))
      : [];
    if (!contacts.length) return false;
    await putContacts(deps.db, contacts, [], deps.region, await currentGen(deps.db));
    return true;
  } catch {
    return false;
  }
}
