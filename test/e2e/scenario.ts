// The data one end-to-end run uses: agents, contacts and the settings file an admin imports.

export const SECRET = 'pbx-secret-e2e-0123456789';
export const AYSE_TOKEN = 'agent-ayse-e2e-0123456789';
export const MEHMET_TOKEN = 'agent-mehmet-e2e-0123456789';

export const relayConfig = {
  pbx: { secret: SECRET },
  adminToken: 'admin-token-e2e-0123456789',
  agents: [
    { user: 'ayse', name: 'Ayşe Yılmaz', extensions: ['911'], agentIds: ['911'], token: AYSE_TOKEN },
    { user: 'mehmet', name: 'Mehmet Kaya', extensions: ['912'], agentIds: ['912'], token: MEHMET_TOKEN },
  ],
  contacts: { file: 'contacts.csv' },
};

export const contactsCsv = [
  'id,kind,name,company_id,company,phones,owner',
  'C-19,company,IP Santral Firması,,,"0212 555 12 34;+90 (212) 555-1299",ayse',
  'P-7,person,Ayşe Demir,C-19,IP Santral Firması,0533 497 97 14,ayse',
  'C-20,company,Anadolu Lojistik,,,+90 (312) 444 55 66,mehmet',
  'P-8,person,"Hans Müller",,,+49 30 1234567,',
].join('\n');

export function extensionSettings(relayUrl: string, crmOrigin: string) {
  return {
    relayUrl,
    agentToken: AYSE_TOKEN,
    defaultRegion: 'TR',
    crm: {
      origin: crmOrigin,
      templates: {
        card: `${crmOrigin}/card?id={contactId}`,
        quote: `${crmOrigin}/quote?company={companyId}&contact={contactId}&phone={phone}`,
        ticket: `${crmOrigin}/ticket?company={companyId}&contact={contactId}&call={callId}`,
        newContact: `${crmOrigin}/new?phone={phone}&caller={callerId}&ext={extension}`,
      },
    },
  };
}

// The Logo CRM webhook body lives with the other call fixtures.
export { logoCall } from '../fixtures/calls.ts';
