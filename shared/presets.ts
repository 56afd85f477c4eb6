// Ready URL templates for CRMs ScreenPop pops into. Paths start with `/`, so they follow the CRM
// origin the admin sets; a template the admin typed for a key overrides the preset's.
import type { TemplateKey } from './actions.ts';

export const PRESETS = ['custom', 'vtiger', 'suitecrm'] as const;
export type Preset = (typeof PRESETS)[number];

type Templates = Record<TemplateKey, string>;

const EMPTY: Templates = { card: '', companyCard: '', quote: '', ticket: '', newContact: '', search: '' };

// Where the caller's number is stored the presets write and search the national form
// (`0532 111 22 33`), the way agents type it; docs/crm-presets.md says how to choose another.
const PHONE_FIELDS = ['mobile', 'phone', 'homephone', 'otherphone'];

/**
 * vtiger's list search: a group of `contains` conditions joined by OR (search_params' second
 * group; the empty first one is the AND group). vtiger compares the text as stored, so each phone
 * field is searched for the national tail (`111 22 33`: finds `0532 111 22 33`, `+90 532 111 22 33`,
 * `(0532) 111 22 33`) and for the digits without trunk prefix (`5321112233`: finds `05321112233`,
 * `+905321112233`). Whatever form a new contact was saved in from the preset, this finds it.
 */
const VTIGER_SEARCH_PARAMS = JSON.stringify([
  [],
  PHONE_FIELDS.flatMap((field) => [
    [field, 'c', '{nationalTail}'],
    [field, 'c', '{nsn}'],
  ]),
]);

const PRESET_TEMPLATES: Record<Preset, Templates> = {
  custom: EMPTY,
  // vtiger 7/8 (and ParsVT): record views by module, with the plain numeric record id; Edit views
  // take field values as parameters, so a new quote or ticket opens with the organisation and the
  // contact already filled in (an empty contact_id leaves only the organisation).
  vtiger: {
    card: '/index.php?module=Contacts&view=Detail&record={personId}',
    companyCard: '/index.php?module=Accounts&view=Detail&record={companyId}',
    quote: '/index.php?module=Quotes&view=Edit&account_id={companyId}&contact_id={personId}',
    ticket: '/index.php?module=HelpDesk&view=Edit&parent_id={companyId}&contact_id={personId}',
    newContact: '/index.php?module=Contacts&view=Edit&mobile={national}',
    search: `/index.php?module=Contacts&view=List&search_params=${VTIGER_SEARCH_PARAMS}`,
  },
  // SuiteCRM 7: classic DetailView/EditView actions. A related record's id fills only a hidden
  // field, so the names go along for the visible boxes; Cases has no contact field and links the
  // contact through relate_to/relate_id on save. UnifiedSearch is a prefix match on the stored
  // text: it finds the number in the form the new-contact template writes it.
  suitecrm: {
    card: '/index.php?module=Contacts&action=DetailView&record={personId}',
    companyCard: '/index.php?module=Accounts&action=DetailView&record={companyId}',
    quote:
      '/index.php?module=AOS_Quotes&action=EditView&billing_account_id={companyId}&billing_account={company}' +
      '&billing_contact_id={personId}&billing_contact={personName}',
    ticket:
      '/index.php?module=Cases&action=EditView&account_id={companyId}&account_name={company}' +
      '&relate_to=Contacts&relate_id={personId}' +
      '&return_module=Contacts&return_action=DetailView&return_id={personId}',
    newContact: '/index.php?module=Contacts&action=EditView&phone_mobile={national}',
    search: '/index.php?module=Home&action=UnifiedSearch&query_string={national}',
  },
};

export function presetTemplates(preset: Preset): Readonly<Templates> {
  return PRESET_TEMPLATES[preset];
}

/** The template a key opens: the admin's own, else the preset's, else '' (not set). */
export function effectiveTemplate(
  crm: { preset: Preset; templates: Readonly<Templates> },
  key: TemplateKey,
): string {
  return crm.templates[key].trim() || PRESET_TEMPLATES[crm.preset][key];
}

/** Every key's effective template. */
export function effectiveTemplates(crm: { preset: Preset; templates: Readonly<Templates> }): Templates {
  const out = { ...EMPTY };
  for (const key of Object.keys(EMPTY) as TemplateKey[]) out[key] = effectiveTemplate(crm, key);
  return out;
}
