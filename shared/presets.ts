// Ready URL templates for CRMs ScreenPop pops into. Paths start with `/`, so they follow the CRM
// origin the admin sets; a template the admin typed for a key overrides the preset's.
import type { TemplateKey } from './actions.ts';

export const PRESETS = ['custom', 'vtiger', 'suitecrm'] as const;
export type Preset = (typeof PRESETS)[number];

type Templates = Record<TemplateKey, string>;

const EMPTY: Templates = { card: '', companyCard: '', quote: '', ticket: '', newContact: '', search: '' };

const PRESET_TEMPLATES: Record<Preset, Templates> = {
  custom: EMPTY,
  // vtiger 7/8 (and ParsVT): record views by module; Edit views take field values as parameters,
  // so a new quote or ticket opens with the organisation and the contact already filled in.
  vtiger: {
    card: '/index.php?module=Contacts&view=Detail&record={personId}',
    companyCard: '/index.php?module=Accounts&view=Detail&record={companyId}',
    quote: '/index.php?module=Quotes&view=Edit&account_id={companyId}&contact_id={personId}',
    ticket: '/index.php?module=HelpDesk&view=Edit&parent_id={companyId}&contact_id={personId}',
    newContact: '/index.php?module=Contacts&view=Edit&mobile={phone}',
    search: '/index.php?module=Contacts&view=List&search_params=[[["mobile","c","{national}"]]]',
  },
  // SuiteCRM 7: classic DetailView/EditView actions; AOS quotes and Cases take their relations the
  // same way.
  suitecrm: {
    card: '/index.php?module=Contacts&action=DetailView&record={personId}',
    companyCard: '/index.php?module=Accounts&action=DetailView&record={companyId}',
    quote:
      '/index.php?module=AOS_Quotes&action=EditView&billing_account_id={companyId}&billing_contact_id={personId}',
    ticket: '/index.php?module=Cases&action=EditView&account_id={companyId}&contact_id={personId}',
    newContact: '/index.php?module=Contacts&action=EditView&phone_mobile={phone}',
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
