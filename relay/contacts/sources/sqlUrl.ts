// A database URL that never shows its password: String(), JSON and logs see the redacted form, so a
// config object logged whole, or an error that quotes the URL, cannot leak the credential.
export type SqlDialectName = 'postgres' | 'mysql';

const SCHEMES: Record<string, SqlDialectName> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
};

export class DatabaseUrl {
  readonly #url: string;
  readonly dialect: SqlDialectName;
  /** The URL with its password replaced by `***`: safe for logs and messages. */
  readonly redacted: string;
  readonly #password: string;

  /** Throws an Error (without the URL's password) when the URL cannot be used. */
  constructor(url: string) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error('is not a URL (expected e.g. postgres://reader@db.example/crm or mysql://…)');
    }
    const dialect = SCHEMES[parsed.protocol];
    if (!dialect)
      throw new Error(
        `has the scheme "${parsed.protocol.slice(0, 20)}"; use postgres://, postgresql://, mysql:// or mariadb://`,
      );
    if (!parsed.hostname && !parsed.searchParams.get('host'))
      throw new Error('names no host (expected e.g. postgres://reader@db.example/crm)');
    if (parsed.pathname.length < 2)
      throw new Error('names no database (expected e.g. postgres://reader@db.example/crm)');
    this.#url = url;
    this.#password = decodeURIComponent(parsed.password);
    this.dialect = dialect;
    if (parsed.password) parsed.password = '***';
    this.redacted = parsed.toString();
  }

  /** The real URL, for the driver only. */
  reveal(): string {
    return this.#url;
  }

  get host(): string {
    const parsed = new URL(this.#url);
    return parsed.host || parsed.searchParams.get('host') || '';
  }

  get user(): string {
    return decodeURIComponent(new URL(this.#url).username);
  }

  get database(): string {
    return decodeURIComponent(new URL(this.#url).pathname.slice(1));
  }

  /** `text` with every occurrence of the password (plain or URL-encoded) replaced by `***`. */
  scrub(text: string): string {
    if (!this.#password) return text;
    let out = text.split(this.#password).join('***');
    const encoded = encodeURIComponent(this.#password);
    if (encoded !== this.#password) out = out.split(encoded).join('***');
    return out;
  }

  toString(): string {
    return this.redacted;
  }

  toJSON(): string {
    return this.redacted;
  }
}
