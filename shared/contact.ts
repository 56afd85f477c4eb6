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

/** One page of `GET /v1/contacts?after=CURSOR&limit=N`. */
export interface ContactPage {
  contacts: Contact[];
  /** Ids removed since `after`. */
  deleted: string[];
  /** Pass as `after` for the next page. */
  cursor: string;
  /** True when the feed has nothing after `cursor` (yet). */
  done: boolean;
  /** Total number of contacts in the source, for progress. */
  total: number;
}
