// Reading what a PBX sends: the body as strict UTF-8 text, then JSON, form data, flat XML or a query
// string as one record of fields. PBXs label their bodies carelessly (JSON as text/plain, form data
// with no type), so the format is recognised from the text itself; anything malformed is refused
// with a reason rather than guessed at, and nothing here can throw.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type Parsed<T> =
  | { ok: true; value: T }
  | { ok: false; status: 400 | 415; label: string; reason: string };

const bad = (reason: string, label = 'bad-request') => ({ ok: false, status: 400, label, reason }) as const;
const unsupported = (reason: string) =>
  ({ ok: false, status: 415, label: 'unsupported-media-type', reason }) as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });
// C0 controls other than tab, CR and LF never occur in text a PBX means to send.
const BINARY_RE = /[\x00-\x08\x0b\x0e-\x1f\x7f]/;

/** The body as text: refuses multipart, charsets other than UTF-8, invalid UTF-8 and binary data. */
export function decodeBody(raw: Buffer | undefined, contentType: string | undefined): Parsed<string> {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/'))
    return unsupported('multipart bodies are not accepted: send JSON, form (urlencoded) or XML');
  const charset = /;\s*charset="?([^";\s]+)/.exec(type)?.[1];
  if (charset && !['utf-8', 'utf8', 'us-ascii', 'ascii'].includes(charset))
    return unsupported(`charset ${charset.slice(0, 30)} is not accepted: send UTF-8`);
  if (!raw?.length) return { ok: true, value: '' };
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return bad('body is not valid UTF-8', 'bad-encoding');
  }
  if (BINARY_RE.test(text))
    return bad('body contains binary data (control characters): send UTF-8 text', 'bad-encoding');
  return { ok: true, value: text.replace(/^\uFEFF/, '') };
}

export function parseJson(text: string): Parsed<unknown> {
  if (!text.trim()) return bad('body is empty: expected a JSON object');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return bad('body is not valid JSON');
  }
}

function decodeComponent(part: string): string | null {
  // A leading `+` stays a plus: PBXs put E.164 numbers (+90…) into URLs unencoded, and no field
  // value starts with a space. Other `+` are spaces, as in any form encoding.
  const lead = part.startsWith('+') ? '+' : '';
  try {
    return lead + decodeURIComponent(part.slice(lead.length).replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** `a=1&b=2` (a form body or a query string) with duplicate and malformed fields refused. */
export function parseForm(text: string, what = 'body'): Parsed<Record<string, string>> {
  const fields: Record<string, string> = Object.create(null);
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = decodeComponent(eq < 0 ? '' : pair.slice(eq + 1));
    if (name === null || value === null)
      return bad(`${what} is not valid form data: a malformed %-escape near "${pair.slice(0, 40)}"`);
    if (name in fields) return bad(`${what} gives the field ${name.slice(0, 40)} twice`);
    fields[name] = value;
  }
  return { ok: true, value: fields };
}

/** The query string of a URL as fields. */
export function parseQuery(url: string): Parsed<Record<string, string>> {
  const q = url.indexOf('?');
  return parseForm(q < 0 ? '' : url.slice(q + 1), 'the query string');
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * The text of a field with XML's five predefined entities and character references decoded; null
 * for any other entity. By hand because fast-xml-parser's entity processing is off: it would also
 * expand entities a document declares, which is what entity-expansion attacks use.
 */
function xmlText(raw: string): string | null {
  let ok = true;
  const text = raw.replace(/&([^;&\s]{0,10});?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) ok = false;
    const code = /^#x([0-9a-f]{1,6})$/i.exec(name)?.[1] ?? /^#(\d{1,7})$/.exec(name)?.[1];
    if (code !== undefined) {
      const n = Number.parseInt(code, name.startsWith('#x') || name.startsWith('#X') ? 16 : 10);
      if (n === 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) ok = false;
      else return String.fromCodePoint(n);
    }
    if (!(name in ENTITIES)) ok = false;
    return ENTITIES[name] ?? '';
  });
  return ok ? text : null;
}

const CDATA = '#cdata';
const xml = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Every value stays text: the adapters decide what is a number (call ids keep leading zeros).
  parseTagValue: false,
  cdataPropName: CDATA,
});

const notFlat = () =>
  bad('XML is not flat: every field must be <name>text</name> directly inside the root element');

/**
 * A flat XML document, `<anyRoot><field>value</field>…</anyRoot>`, as fields (fast-xml-parser).
 * Nested elements, DOCTYPEs and entity declarations are refused: the payloads we accept are flat,
 * and refusing DTDs rules out entity-expansion attacks.
 */
export function parseXml(input: string): Parsed<Record<string, string>> {
  const text = input.trim();
  // The declaration's encoding is read here: the parser drops the declaration.
  const encoding = /^<\?xml\s[^?]*?encoding\s*=\s*["']([^"']+)["']/i.exec(text)?.[1]?.toLowerCase();
  if (encoding && encoding !== 'utf-8' && encoding !== 'utf8')
    return unsupported(`XML encoding ${encoding.slice(0, 30)} is not accepted: send UTF-8`);
  if (/<!(DOCTYPE|ENTITY)/i.test(text))
    return bad('XML with a DOCTYPE or entity declarations is not accepted');
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    return bad(`body is not well-formed XML: ${valid.err.msg.slice(0, 100)} (line ${valid.err.line})`);
  let doc: Record<string, unknown>;
  try {
    doc = xml.parse(text) as Record<string, unknown>;
  } catch (error) {
    // fast-xml-parser refuses names such as __proto__ by throwing.
    return bad(`body is not well-formed XML: ${String((error as Error).message).slice(0, 100)}`);
  }
  const roots = Object.keys(doc);
  if (roots.length !== 1) return bad('body is not well-formed XML: expected one root element <root>…</root>');
  const root = doc[roots[0] as string];
  if (root === '') return { ok: true, value: Object.create(null) };
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return notFlat();
  const fields: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(root)) {
    if (name.startsWith('#')) return notFlat();
    if (Array.isArray(value)) return bad(`XML gives the field ${name.slice(0, 40)} twice`);
    if (typeof value === 'object' && value !== null) {
      const cdata = (value as Record<string, unknown>)[CDATA];
      if (Object.keys(value).length !== 1 || typeof cdata !== 'string') return notFlat();
      fields[name] = cdata;
      continue;
    }
    const decoded = xmlText(String(value));
    if (decoded === null)
      return bad(`XML field ${name.slice(0, 40)} has malformed text (an unknown or unterminated &entity;)`);
    fields[name] = decoded;
  }
  return { ok: true, value: fields };
}

/** Any of JSON, XML or form data, recognised from the first character, as a record of fields. */
export function parseFields(text: string): Parsed<Record<string, unknown>> {
  const start = text.trimStart()[0];
  if (start === '{' || start === '[') {
    const json = parseJson(text);
    if (!json.ok) return json;
    const v = json.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('body must be a JSON object');
    return { ok: true, value: v as Record<string, unknown> };
  }
  if (start === '<') return parseXml(text);
  if (text.includes('=')) return parseForm(text.trim());
  return bad('body is neither JSON, XML nor form data (name=value&…)');
}
