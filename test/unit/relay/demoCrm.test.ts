import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../relay/server/app.ts';
import { escapeHtml } from '../../../relay/server/html.ts';
import { tempDir, testConfig } from './helpers.ts';

const XSS = '<img src=x onerror=alert(1)>';
const CSV = `id,kind,name,company_id,company,phones,owner
C-1,company,IP Santral Firması,,,0212 555 01 00,ayse
P-1,person,Ayşe Demir,C-1,IP Santral Firması,0533 497 97 14;+90 (212) 555-0101,ayse
X-1,person,"${XSS}",C-1,"""><script>alert(2)</script>",0533 000 00 00,
`;

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

function setup(demoCrm = true) {
  const dir = tempDir();
  dirs.push(dir);
  const file = dir.write('contacts.csv', CSV);
  const app = buildApp({ config: testConfig({ contacts: { file }, demoCrm }), logger: false });
  return (url: string) => app.inject({ method: 'GET', url });
}

describe('demo CRM pages', () => {
  it('shows a contact card with name, company and phones as UTF-8 HTML under a strict CSP', async () => {
    const get = setup();
    const res = await get('/demo-crm/card?id=P-1');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(res.body).toContain('<h1>Ayşe Demir</h1>');
    expect(res.body).toContain('IP Santral Firması');
    expect(res.body).toContain('0533 497 97 14, +90 (212) 555-0101');
  });

  it('renders markup in names and companies as text', async () => {
    const get = setup();
    const res = await get('/demo-crm/card?id=X-1');
    expect(res.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(res.body).not.toContain('<img');
    expect(res.body).not.toContain('<script>');
  });

  it('escapes values taken from the URL', async () => {
    const get = setup();
    const phone = encodeURIComponent(`"><script>alert(3)</script>`);
    for (const url of [
      `/demo-crm/new?phone=${phone}`,
      `/demo-crm/quote?phone=${phone}`,
      `/demo-crm/card?id=${phone}`,
    ]) {
      const res = await get(url);
      expect(res.body, url).not.toContain('<script>');
      expect(res.body, url).toContain('&lt;script&gt;');
    }
  });

  it('prefills quote and ticket pages with the caller and their company', async () => {
    const get = setup();
    for (const [path, title] of [
      ['quote', 'New quote'],
      ['ticket', 'New support ticket'],
    ]) {
      const res = await get(`/demo-crm/${path}?contact=P-1&company=C-1&phone=%2B905334979714`);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(`<h1>${title}</h1>`);
      expect(res.body).toContain('Ayşe Demir');
      expect(res.body).toContain('value="IP Santral Firması"');
      expect(res.body).toContain('value="+905334979714"');
    }
  });

  it('shows the number of an unknown caller, and a 404 page for an unknown id', async () => {
    const get = setup();
    expect((await get('/demo-crm/new?phone=%2B4930123456')).body).toContain('+4930123456');
    expect((await get('/demo-crm/card?id=NOPE')).statusCode).toBe(404);
  });

  it('is not served unless the config enables it', async () => {
    const get = setup(false);
    expect((await get('/demo-crm/card?id=P-1')).statusCode).toBe(404);
  });

  it('escapes all five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
