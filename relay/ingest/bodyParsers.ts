// Reading what a PBX sends: the body as strict UTF-8 text, then JSON, form data, flat XML or a query
// string as one record of fields. PBXs label their bodies carelessly (JSON as text/plain, form data
// with no type), so the format is recognised from the text itself; anything malformed is refused
// with a reason rather than guessed at, and nothing here can throw.

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

function xmlText(raw: string): string | null {
  const cdata = /^\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*$/.exec(raw);
  if (cdata) return cdata[1] ?? '';
  if (raw.includes('<')) return null;
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

/**
 * A flat XML document, `<anyRoot><field>value</field>…</anyRoot>`, as fields. Nested elements,
 * DOCTYPEs and entity declarations are refused: the payloads we accept are flat, and refusing
 * DTDs rules out entity-expansion attacks.
 */
export function parseXml(input: string): Parsed<Record<string, string>> {
  let text = input.trim();
  const decl = /^<\?xml([^?]*)\?>/.exec(text);
  if (decl) {
    const encoding = /encoding\s*=\s*["']([^"']+)["']/i.exec(decl[1] ?? '')?.[1]?.toLowerCase();
    if (encoding && encoding !== 'utf-8' && encoding !== 'utf8')
      return unsupported(`XML encoding ${encoding.slice(0, 30)} is not accepted: send UTF-8`);
    text = text.slice(decl[0].length);
  }
  if (/<!(DOCTYPE|ENTITY)/i.test(text))
    return bad('XML with a DOCTYPE or entity declarations is not accepted');
  text = text.replace(/<!--[\s\S]*?-->/g, '').trim();
  const root = /^<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>([\s\S]*)<\/\1\s*>$/.exec(text);
  if (!root) return bad('body is not well-formed XML: expected <root><field>value</field>…</root>');
  const inner = root[2] ?? '';
  const fields: Record<string, string> = Object.create(null);
  const child =
    /\s*<([A-Za-z_][\w.:-]*)(?:\s[^<>]*?)?(?:\/>|>((?:<!\[CDATA\[[\s\S]*?\]\]>)|[^<]*)<\/\1\s*>)/y;
  let at = 0;
  while (at < inner.length) {
    child.lastIndex = at;
    const m = child.exec(inner);
    if (!m) {
      if (!inner.slice(at).trim()) break;
      return bad('XML is not flat: every field must be <name>text</name> directly inside the root element');
    }
    const name = m[1] ?? '';
    const value = xmlText(m[2] ?? '');
    if (value === null)
      return bad(`XML field ${name.slice(0, 40)} has malformed text (an unknown or unterminated &entity;)`);
    if (name in fields) return bad(`XML gives the field ${name.slice(0, 40)} twice`);
    fields[name] = value;
    at = child.lastIndex;
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
