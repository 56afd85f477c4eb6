// The contact feed the extension caches: `GET /v1/contacts` pages and `GET /v1/contacts/lookup`.
import { Type } from 'typebox';

export const ContactSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.Union([Type.Literal('company'), Type.Literal('person')]),
    name: Type.String(),
    companyId: Type.Optional(Type.String()),
    company: Type.Optional(Type.String()),
    phones: Type.Array(Type.String(), { description: 'As written in the source, in any human format.' }),
    owner: Type.Optional(Type.String({ description: 'CRM user responsible for this contact.' })),
    updatedAt: Type.Optional(Type.String({ description: 'ISO time of the last change, when known.' })),
    recordId: Type.Optional(
      Type.String({
        description:
          "The CRM's own id, when `id` is keyed by its source (`crm:42`) because the relay reads several sources; record URLs use it.",
      }),
    ),
    companyRecordId: Type.Optional(
      Type.String({ description: "The company's own CRM id, when `companyId` is keyed by its source." }),
    ),
  },
  { title: 'Contact' },
);

export const ContactPageSchema = Type.Object(
  {
    contacts: Type.Array(ContactSchema),
    deleted: Type.Array(Type.String(), { description: 'Ids removed since `after`.' }),
    reset: Type.Optional(
      Type.Boolean({
        description:
          'The relay cannot answer from `after` (it restarted, or its change history no longer reaches back): drop the cache and sync again from an empty cursor.',
      }),
    ),
    cursor: Type.String({ description: 'Pass as `after` for the next page.' }),
    done: Type.Boolean({ description: 'True when the feed has nothing after `cursor` (yet).' }),
    total: Type.Integer({ minimum: 0, description: 'Contacts in the source, for progress.' }),
  },
  { title: 'ContactPage' },
);

export const ContactLookupSchema = Type.Object(
  { contacts: Type.Array(ContactSchema, { description: 'Best first; empty when nobody has the number.' }) },
  { title: 'ContactLookup' },
);

export const ContactPageQuery = Type.Object({
  after: Type.Optional(
    Type.String({ maxLength: 512, description: 'The cursor of the last page; empty for a full walk.' }),
  ),
  limit: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,6}$', description: 'Contacts per page, 1–5000 (500).' }),
  ),
});

export const ContactLookupQuery = Type.Object({
  phone: Type.Optional(Type.String({ description: 'The caller number in any format.' })),
});
