// Tiny HTML helpers for the demo CRM. Every value is escaped: names and numbers come from a CSV
// and from the query string, both of which anyone can write to.

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/** Tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const parts = Array.isArray(value) ? value : [value];
    for (const part of parts) out += part instanceof Html ? part.text : escapeHtml(String(part ?? ''));
    out += strings[i + 1] ?? '';
  });
  return new Html(out);
}

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
header{background:#233a5e;color:#fff;padding:10px 20px;font-weight:600}
main{max-width:640px;margin:24px auto;background:#fff;border-radius:8px;padding:20px 24px;box-shadow:0 1px 3px #0002}
h1{font-size:20px;margin:0 0 12px}dl{display:grid;grid-template-columns:9em 1fr;gap:6px 12px}
dt{color:#5b6475}dd{margin:0}label{display:block;margin:10px 0 4px;color:#5b6475}
input,textarea{width:100%;box-sizing:border-box;font:inherit;padding:6px}.muted{color:#5b6475}`;

export function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${title} · Demo CRM</title><style>${new Html(STYLE)}</style></head>
<body><header>Demo CRM <span class="muted">(ScreenPop sample)</span></header><main>${body}</main></body></html>
`.text;
}
