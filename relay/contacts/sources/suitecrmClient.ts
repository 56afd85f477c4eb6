// The SuiteCRM V8 JSON:API as the suitecrm source uses it: a client-credentials token from
// `/Api/access_token`, renewed before it expires and once on a 401, and GETs under `/Api/`.
// Facts from ../shared/reference/crm-apis.md (observed on SuiteCRM 7.14.6).
import { networkProblem, REQUEST_TIMEOUT_MS } from './crmApiShared.ts';

export interface SuitecrmClientOptions {
  name: string;
  /** `{root}/Api/` (SuiteCRM 8: `{root}/legacy/Api/`), with the trailing slash. */
  apiBase: string;
  clientId: string;
  clientSecret: string;
  now: () => number;
  /** Who speaks in messages; `suitecrm source "NAME"` when absent. */
  label?: string;
  /** Per request; REQUEST_TIMEOUT_MS when absent. */
  timeoutMs?: number;
}

/** An answer of the API other than 2xx, with its status and JSON:API `detail`. */
export class SuitecrmRefusal extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** No answer from the API (down, refused, timed out, cut off): worth trying again later. */
export class SuitecrmUnreachable extends Error {}

const JSON_API = 'application/vnd.api+json';
/** Renew a token this long before the server says it expires. */
const RENEW_EARLY_MS = 60_000;

function detailOf(body: unknown): string {
  const b = body as {
    errors?: { detail?: unknown } | { detail?: unknown }[];
    message?: unknown;
    error?: unknown;
    hint?: unknown;
  };
  const errors = Array.isArray(b?.errors) ? b.errors[0] : b?.errors;
  const parts = [errors?.detail, b?.error, b?.message].filter((x) => typeof x === 'string' && x);
  return parts.join(': ').slice(0, 300);
}

export class SuitecrmClient {
  private token: string | undefined;
  private expiresAt = 0;

  constructor(private readonly o: SuitecrmClientOptions) {}

  private where(): string {
    return this.o.label ?? `suitecrm source "${this.o.name}"`;
  }

  private timeoutMs(): number {
    return this.o.timeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  private async send(
    url: string,
    init: RequestInit,
  ): Promise<{ status: number; body: unknown; text: string }> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs()) });
    } catch (err) {
      throw new SuitecrmUnreachable(
        `${this.where()}: cannot reach ${new URL(url).origin} (${problem(err, this.timeoutMs())}); check url`,
      );
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new SuitecrmUnreachable(
        `${this.where()}: no complete answer from ${new URL(url).origin} (${problem(err, this.timeoutMs())})`,
      );
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body, text };
  }

  async renewToken(): Promise<void> {
    const url = `${this.o.apiBase}access_token`;
    const { status, body } = await this.send(url, {
      method: 'POST',
      headers: { 'content-type': JSON_API, accept: JSON_API },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: this.o.clientId,
        client_secret: this.o.clientSecret,
      }),
    });
    if (status === 400 || status === 401)
      throw new SuitecrmRefusal(
        `${this.where()}: the client credentials were refused (HTTP ${status}${detailOf(body) ? `: ${detailOf(body)}` : ''}); check clientId and the client secret (SuiteCRM: Admin → OAuth2 Clients and Tokens)`,
        status,
      );
    if (status === 404)
      throw new Error(
        `${this.where()}: no API at ${url} (HTTP 404); check url (SuiteCRM 8: add /legacy or set legacy: true) and that Api/ is routed`,
      );
    const token = (body as { access_token?: unknown })?.access_token;
    if (status !== 200 || typeof token !== 'string')
      throw new SuitecrmRefusal(
        `${this.where()}: ${url} answered HTTP ${status} without an access token${body === undefined ? ' (not JSON: is url the SuiteCRM root?)' : ''}${detailOf(body) ? `: ${detailOf(body)}` : ''}`,
        status,
      );
    const expiresIn = Number((body as { expires_in?: unknown }).expires_in);
    this.token = token;
    this.expiresAt = this.o.now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000;
  }

  /** GET a path relative to `/Api/` (`V8/module/…`, as the API's own relative `links` are). */
  async get(path: string, what: string): Promise<unknown> {
    return this.authorized(path, what, undefined);
  }

  /**
   * POST a JSON:API document to a path relative to `/Api/` (`V8/module`, a record's
   * `relationships`); answers the body of a 200/201.
   */
  async post(path: string, document: unknown, what: string): Promise<unknown> {
    return this.authorized(path, what, JSON.stringify(document));
  }

  private async authorized(path: string, what: string, payload: string | undefined): Promise<unknown> {
    if (!this.token || this.o.now() >= this.expiresAt - RENEW_EARLY_MS) await this.renewToken();
    const url = new URL(path, this.o.apiBase).href;
    const go = () =>
      this.send(
        url,
        payload === undefined
          ? { headers: { authorization: `Bearer ${this.token}`, accept: JSON_API } }
          : {
              method: 'POST',
              headers: { authorization: `Bearer ${this.token}`, accept: JSON_API, 'content-type': JSON_API },
              body: payload,
            },
      );
    let answer = await go();
    if (answer.status === 401) {
      await this.renewToken();
      answer = await go();
    }
    const { status, body } = answer;
    const ok = status === 200 || (payload !== undefined && status === 201);
    if (ok && body !== undefined) return body;
    if (ok) throw new Error(`${this.where()}: ${what} did not answer JSON (is url the SuiteCRM root?)`);
    if (status === 404)
      throw new SuitecrmRefusal(
        `${this.where()}: ${what} answered HTTP 404; check url (SuiteCRM 8: add /legacy or set legacy: true)`,
        404,
      );
    throw new SuitecrmRefusal(
      `${this.where()}: ${what} answered HTTP ${status}${detailOf(body) ? `: ${detailOf(body)}` : ''}`,
      status,
    );
  }
}

function problem(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  return networkProblem(err);
}
