// PBXs asking the relay who is calling: ParsVT's `SearchPBX` (the contact as JSON) and `Lookup`
// (a redirect to the CRM card, else to a CRM search), and the 3CX/Propstack contact lookup. They
// answer from the contacts file; links are built from `crm.*` templates and never leave crm.origin.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Contact } from '../../shared/contact.ts';
import { RULES } from '../../shared/fieldRules.ts';
import { isRegion, normalizePhone } from '../../shared/phone.ts';
import { buildUrl, type TemplateValues } from '../../shared/template.ts';
import { threeCxContact } from './adapters/threecx.ts';
import { searchPbxContact } from './adapters/vtiger.ts';
import type { Action, ActionContext } from './ingestActions.ts';
import { refuse } from './ingestReply.ts';
import type { IngestAction } from './pbxRouteTable.ts';
import type { CrmLinks } from './pbxSources.ts';

/** The phone asked about, from `phone` (or 3CX/Propstack's `phone_number`); null once refused. */
function phoneParam(ctx: ActionContext, names: readonly string[]): string | null {
  const fields = ctx.input as Record<string, unknown>;
  const name = names.find((n) => fields[n] !== undefined) ?? names[0] ?? 'phone';
  const value = fields[name];
  const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
  const problem = !text
    ? `${name} is required`
    : text.length > RULES.phone.max || !RULES.phone.pattern.test(text)
      ? `${name} must be a phone number (at most ${RULES.phone.max} characters: ${RULES.phone.allowed})`
      : null;
  if (problem) {
    refuse(ctx.reply, ctx.state.route.format, 400, 'bad-request', problem, name);
    return null;
  }
  return text;
}

async function find(ctx: ActionContext, phone: string): Promise<Contact | undefined> {
  const { feed, config } = ctx.deps;
  // Persons come first; with several matches a one-answer API can only give the best.
  return feed ? (await feed.findByPhone(phone, config.defaultRegion))[0] : undefined;
}

/** Mobile numbers apart from the others, as PBX contact cards have a field for each. */
export function splitPhones(contact: Contact, region: string): { mobile: string[]; other: string[] } {
  const mobile: string[] = [];
  const other: string[] = [];
  for (const phone of contact.phones) {
    const type = parsePhoneNumberFromString(phone, isRegion(region) ? region : undefined)?.getType();
    (type === 'MOBILE' ? mobile : other).push(phone);
  }
  return { mobile, other };
}

function values(phone: string, region: string, contact?: Contact): TemplateValues {
  const normalized = normalizePhone(phone, region);
  const v: TemplateValues = {
    phone: normalized?.e164 ?? phone,
    national: normalized?.national ?? phone,
    callerId: phone,
  };
  if (contact) {
    v.contactId = contact.id;
    v.name = contact.name;
    if (contact.companyId) v.companyId = contact.companyId;
    if (contact.company) v.company = contact.company;
  }
  return v;
}

/** A CRM link from a template, or null when there is none or it would leave the CRM's origin. */
function crmLink(crm: CrmLinks | null, key: 'cardUrl' | 'searchUrl', v: TemplateValues): string | null {
  const template = crm?.[key];
  if (!crm || !template) return null;
  const built = buildUrl(template, v, crm.origin);
  return built.ok ? built.url : null;
}

const searchPbx: Action = async (ctx) => {
  const phone = phoneParam(ctx, ['phone']);
  if (phone === null) return ctx.reply;
  const contact = await find(ctx, phone);
  const region = ctx.deps.config.defaultRegion;
  if (!contact) return refuse(ctx.reply, 'vtiger', 404, null, 'no contact with this phone', 'phone');
  const url = crmLink(ctx.deps.config.crm, 'cardUrl', values(phone, region, contact));
  return { result: searchPbxContact(contact, splitPhones(contact, region), url) };
};

const lookupRedirect: Action = async (ctx) => {
  const phone = phoneParam(ctx, ['phone']);
  if (phone === null) return ctx.reply;
  const { crm, defaultRegion } = ctx.deps.config;
  const contact = await find(ctx, phone);
  const v = values(phone, defaultRegion, contact);
  const url = (contact && crmLink(crm, 'cardUrl', v)) || crmLink(crm, 'searchUrl', v);
  if (!url)
    return refuse(
      ctx.reply,
      'vtiger',
      404,
      null,
      contact
        ? 'crm.cardUrl is not configured'
        : 'no contact with this phone and no crm.searchUrl configured',
      'phone',
    );
  return ctx.reply.code(302).header('Location', url).header('Cache-Control', 'no-store').send();
};

const contactLookup: Action = async (ctx) => {
  const phone = phoneParam(ctx, ['phone', 'phone_number']);
  if (phone === null) return ctx.reply;
  const contact = await find(ctx, phone);
  if (!contact) return refuse(ctx.reply, 'threecx', 404, null, 'no contact with this phone', 'phone');
  const region = ctx.deps.config.defaultRegion;
  const url = crmLink(ctx.deps.config.crm, 'cardUrl', values(phone, region, contact));
  return threeCxContact(contact, splitPhones(contact, region), url);
};

export const LOOKUP_ACTIONS: Partial<Record<IngestAction, Action>> = {
  'vtiger-search': searchPbx,
  'vtiger-lookup': lookupRedirect,
  'contact-lookup': contactLookup,
};
