// A stand-in CRM served by the relay when the config says `demoCrm: true`, so someone trying
// ScreenPop sees a real page open for a call without owning a CRM. Its URLs match the templates
// in relay/sample/extension-settings.json. The forms on quote/ticket/new give the extension's
// "unsaved work" guard something to protect.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { Contact } from '../../shared/contact.ts';
import type { ContactsFeed } from '../contacts/contactsFeed.ts';
import { NO_AUTH } from '../http/routeDocs.ts';
import { type Html, html, page } from './html.ts';

const CSP = "default-src 'none'; style-src 'unsafe-inline'";

function send(reply: FastifyReply, status: number, title: string, body: Html): FastifyReply {
  return reply
    .code(status)
    .header('Content-Security-Policy', CSP)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(page(title, body));
}

function param(query: unknown, name: string): string {
  const v = (query as Record<string, unknown>)[name];
  return typeof v === 'string' ? v.slice(0, 200) : '';
}

function details(contact: Contact): Html {
  return html`<dl>
<dt>Kind</dt><dd>${contact.kind === 'company' ? 'Company' : 'Person'}</dd>
<dt>Name</dt><dd data-field="name">${contact.name}</dd>
${contact.company ? html`<dt>Company</dt><dd data-field="company">${contact.company}</dd>` : ''}
<dt>Phones</dt><dd data-field="phones">${contact.phones.length ? contact.phones.join(', ') : '—'}</dd>
${contact.owner ? html`<dt>Owner</dt><dd>${contact.owner}</dd>` : ''}
<dt>Id</dt><dd>${contact.id}</dd>
</dl>`;
}

function form(fields: [string, string][], note: string): Html {
  return html`<form method="get" action="">
${fields.map(([label, value]) => html`<label>${label}<input name="${label.toLowerCase()}" value="${value}"></label>`)}
<label>Notes<textarea name="notes" rows="4" placeholder="${note}"></textarea></label>
</form>`;
}

/** The demo CRM's pages: HTML for the browser, served only with `demoCrm: true`. */
function demoSchema(summary: string, query: Record<string, string>) {
  return {
    summary: `Demo CRM: ${summary}`,
    operationId: `demo${summary.replace(/[^A-Za-z]/g, '')}`,
    tags: ['demo'],
    security: NO_AUTH,
    querystring: Type.Object(
      Object.fromEntries(
        Object.entries(query).map(([k, d]) => [k, Type.Optional(Type.String({ description: d }))]),
      ),
    ),
    produces: ['text/html'],
    response: { 200: Type.String({ description: 'HTML' }), 404: Type.String({ description: 'HTML' }) },
  };
}

export function registerDemoCrm(app: FastifyInstance, feed: ContactsFeed | null): void {
  const lookup = async (id: string) => (id && feed ? feed.get(id) : undefined);

  app.get(
    '/demo-crm/card',
    { schema: demoSchema('A contact card', { id: 'contact id' }) },
    async (request, reply) => {
      const id = param(request.query, 'id');
      const contact = await lookup(id);
      if (!contact) return send(reply, 404, 'Not found', html`<h1>No contact with id “${id}”</h1>`);
      return send(reply, 200, contact.name, html`<h1>${contact.name}</h1>${details(contact)}`);
    },
  );

  for (const [path, title] of [
    ['quote', 'New quote'],
    ['ticket', 'New support ticket'],
  ] as const) {
    app.get(
      `/demo-crm/${path}`,
      { schema: demoSchema(title, { contact: 'contact id', company: 'company id', phone: 'caller number' }) },
      async (request, reply) => {
        const contact = await lookup(param(request.query, 'contact'));
        const company = await lookup(param(request.query, 'company'));
        const phone = param(request.query, 'phone');
        const who = contact ? details(contact) : html`<p class="muted">Caller not in the contact list.</p>`;
        const body = html`<h1>${title}</h1>${who}${form(
          [
            ['Company', company?.name ?? contact?.company ?? ''],
            ['Phone', phone],
          ],
          path === 'quote' ? 'What does the customer want to buy?' : 'What is the problem?',
        )}`;
        return send(reply, 200, title, body);
      },
    );
  }

  app.get(
    '/demo-crm/new',
    { schema: demoSchema('A new contact for an unknown caller', { phone: 'caller number' }) },
    async (request, reply) => {
      const phone = param(request.query, 'phone');
      const body = html`<h1>Unknown caller</h1><p>No contact has the number <strong data-field="phone">${phone}</strong>.</p>
${form(
  [
    ['Name', ''],
    ['Phone', phone],
  ],
  'Who called, and why?',
)}`;
      return send(reply, 200, 'Unknown caller', body);
    },
  );
}
