// A contact as the relay's feed serves it and the extension's cache stores it. The shapes are the
// wire contract's (shared/wire/contactFeed.ts); only the types are imported, so nothing of the
// schema library reaches the extension.
import type { Static } from 'typebox';
import type { ContactLookupSchema, ContactPageSchema, ContactSchema } from './wire/contactFeed.ts';

export type ContactKind = 'company' | 'person';

export type Contact = Static<typeof ContactSchema>;

/**
 * One page of `GET /v1/contacts?after=CURSOR&limit=N` (agent token as Bearer). `after=''` walks a
 * full snapshot; a cursor from a finished walk returns only what changed since (upserts in
 * `contacts`, removals in `deleted`).
 */
export type ContactPage = Static<typeof ContactPageSchema>;

/** `GET /v1/contacts/lookup?phone=E164` (agent token as Bearer): the live lookup on a cache miss. */
export type ContactLookup = Static<typeof ContactLookupSchema>;
