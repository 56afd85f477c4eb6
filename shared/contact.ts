// A contact as the relay's feed serves it and the extension's cache stores it.

export type ContactKind = 'company' | 'person';

export interface Contact {
  id: string;
  kind: ContactKind;
  name: string;
  companyId?: string;
  company?: string;
  /** Phones as written in the source, in any human format. */
  phones: string[];
  /** CRM user responsible for this contact. */
  owner?: string;
  /** ISO time of the last change, when the source knows it. */
  updatedAt?: string;
}

/**
 * One page of `GET /v1/contacts?after=CURSOR&limit=N` (agent token as Bearer). `after=''` walks a
 * full snapshot; a cursor from a finished walk returns only what changed since (upserts in
 * `contacts`, removals in `deleted`).
 */
export interface ContactPage {
  contacts: Contact[];
  /** Ids removed since `after`. */
  deleted: string[];
  /**
   * The relay cannot answer from `after` (it restarted, or the change history no longer reaches
   * back): the client must drop its cache and sync again from ''.
   */
  reset?: boolean;
  /** Pass as `after` for the next page. */
  cursor: string;
  /** True when the feed has nothing after `cursor` (yet). */
  done: boolean;
  /** Total number of contacts in the source, for progress. */
  total: number;
}

/** `GET /v1/contacts/lookup?phone=E164` (agent token as Bearer): the live lookup on a cache miss. */
export interface ContactLookup {
  contacts: Contact[];
}
