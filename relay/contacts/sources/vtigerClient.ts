// The vtiger webservice (`/webservice.php`) as the vtiger source uses it: challenge/login with the
// user's access key, `query` and `retrieve`, and a new login once when the session is refused.
// Facts from ../shared/reference/crm-apis.md (checked on vtiger 8.2.0).
import { createHash } from 'node:crypto';
import { networkProblem, REQUEST_TIMEOUT_MS } from './crmApiShared.ts';

export interface VtigerClientOptions {
  /** Source name, for messages. */
  name: string;
  /** The CRM root (`https://vtiger.example`) or its `/webservice.php`. */
  url: string;
  username: string;
  accessKey: string;
  /** Who speaks in messages; `vtiger source "NAME"` when absent. */
  label?: string;
  /** Per request; REQUEST_TIMEOUT_MS when absent. */
  timeoutMs?: number;
}

interface VtigerError {
  code: string;
  message: string;
}

type Answer = { success: true; result: unknown } | { success: false; error: VtigerError };

/** Error codes meaning "log in again" (vtiger 7/8 use the first two). */
const SESSION_CODES = /INVALID_SESSIONID|AUTHENTICATION_REQUIRED|SESSION.*(EXPIRED|INVALID)/i;

/** A refusal from vtiger (`success: false`), with its code. */
export class VtigerRefusal extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** No answer from the webservice (down, refused, timed out): worth trying again later. */
export class VtigerUnreachable extends Error {}

/** The webservice answered an HTTP status other than 2xx. */
export class VtigerHttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class VtigerClient {
  readonly endpoint: string;
  private session: string | undefined;
  /** Bumped at each login, so callers can reload what belongs to a session (user names). */
  sessionNumber = 0;
  /** The session user's webservice id (`19x1`), from the last login. */
  userId = '';

  constructor(private readonly o: VtigerClientOptions) {
    this.endpoint = /\/webservice\.php$/i.test(o.url) ? o.url : `${o.url}/webservice.php`;
  }

  private where(): string {
    return this.o.label ?? `vtiger source "${this.o.name}"`;
  }

  private timeoutMs(): number {
    return this.o.timeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  private async request(params: Record<string, string>, post: boolean): Promise<Answer> {
    const body = new URLSearchParams(params);
    let res: Response;
    try {
      res = post
        ? await fetch(this.endpoint, {
            method: 'POST',
            body,
            signal: AbortSignal.timeout(this.timeoutMs()),
          })
        : await fetch(`${this.endpoint}?${body}`, { signal: AbortSignal.timeout(this.timeoutMs()) });
    } catch (err) {
      throw new VtigerUnreachable(
        `${this.where()}: cannot reach ${this.endpoint} (${problem(err, this.timeoutMs())}); check url`,
      );
    }
    let raw: string;
    try {
      raw = await res.text();
    } catch (err) {
      // The answer was cut off (a timeout or a dropped connection while the body came).
      throw new VtigerUnreachable(
        `${this.where()}: no complete answer from ${this.endpoint} (${problem(err, this.timeoutMs())})`,
      );
    }
    if (!res.ok)
      throw new VtigerHttpError(
        `${this.where()}: ${this.endpoint} answered HTTP ${res.status} to ${params.operation}; check url and that the webservice is enabled`,
        res.status,
      );
    let answer: unknown;
    try {
      answer = JSON.parse(raw);
    } catch {
      throw new Error(
        `${this.where()}: ${this.endpoint} did not answer JSON to ${params.operation} (is url the vtiger root folder?)`,
      );
    }
    const a = answer as { success?: unknown; error?: { code?: unknown; message?: unknown } };
    if (a?.success === true) return answer as Answer;
    if (a?.success === false)
      return {
        success: false,
        error: {
          code: String(a.error?.code ?? 'UNKNOWN'),
          message: String(a.error?.message ?? '').slice(0, 300),
        },
      };
    throw new Error(`${this.where()}: unexpected answer to ${params.operation} from ${this.endpoint}`);
  }

  async login(): Promise<void> {
    const challenge = await this.request({ operation: 'getchallenge', username: this.o.username }, false);
    if (!challenge.success)
      throw new VtigerRefusal(
        `${this.where()}: getchallenge refused for user "${this.o.username}" (${challenge.error.code}: ${challenge.error.message}); check username`,
        challenge.error.code,
      );
    const token = (challenge.result as { token?: unknown })?.token;
    if (typeof token !== 'string') throw new Error(`${this.where()}: getchallenge answered no token`);
    const accessKey = createHash('md5')
      .update(token + this.o.accessKey)
      .digest('hex');
    const login = await this.request({ operation: 'login', username: this.o.username, accessKey }, true);
    if (!login.success)
      throw new VtigerRefusal(
        `${this.where()}: login refused for user "${this.o.username}" (${login.error.code}: ${login.error.message}); check username and the access key (vtiger: My Preferences → Access Key)`,
        login.error.code,
      );
    const session = (login.result as { sessionName?: unknown })?.sessionName;
    if (typeof session !== 'string' || !session)
      throw new Error(`${this.where()}: login answered no sessionName`);
    this.session = session;
    this.userId = String((login.result as { userId?: unknown })?.userId ?? '');
    this.sessionNumber++;
  }

  private sessionName(): string {
    return this.session ?? '';
  }

  async ensureSession(): Promise<void> {
    if (!this.session) await this.login();
  }

  /** An operation with the session; logs in again once when vtiger says the session is gone. */
  async call(
    operation: string,
    params: Record<string, string>,
    what: string,
    post = false,
  ): Promise<unknown> {
    await this.ensureSession();
    let answer = await this.request({ operation, sessionName: this.sessionName(), ...params }, post);
    if (!answer.success && SESSION_CODES.test(answer.error.code)) {
      this.session = undefined;
      await this.login();
      answer = await this.request({ operation, sessionName: this.sessionName(), ...params }, post);
    }
    if (!answer.success)
      throw new VtigerRefusal(
        `${this.where()}: ${what} refused (${answer.error.code}: ${answer.error.message})`,
        answer.error.code,
      );
    return answer.result;
  }

  /** One `query` (at most 100 rows). */
  async query(vtql: string, what: string): Promise<Record<string, unknown>[]> {
    const result = await this.call('query', { query: vtql }, what);
    if (!Array.isArray(result)) throw new Error(`${this.where()}: ${what} answered no list of rows`);
    return result as Record<string, unknown>[];
  }

  /** `create` (a POST: the element can be long); answers the new record with its webservice id. */
  async create(
    elementType: string,
    element: Record<string, unknown>,
    what: string,
  ): Promise<Record<string, unknown>> {
    const result = await this.call('create', { elementType, element: JSON.stringify(element) }, what, true);
    const id = (result as { id?: unknown })?.id;
    if (typeof id !== 'string') throw new Error(`${this.where()}: ${what} answered no record id`);
    return result as Record<string, unknown>;
  }

  /** `describe` of a module: its fields and `idPrefix` (the `12` of `12x3`). */
  async describe(elementType: string): Promise<Record<string, unknown>> {
    const result = await this.call('describe', { elementType }, `describe ${elementType}`);
    if (typeof result !== 'object' || result === null)
      throw new Error(`${this.where()}: describe ${elementType} answered nothing`);
    return result as Record<string, unknown>;
  }

  /** True when the record exists; vtiger answers ACCESS_DENIED for a deleted one. */
  async exists(id: string): Promise<boolean> {
    try {
      await this.call('retrieve', { id }, `retrieve ${id}`);
      return true;
    } catch (err) {
      if (err instanceof VtigerRefusal && /ACCESS_DENIED|RECORD_NOT_FOUND|INVALID_ID/i.test(err.code))
        return false;
      throw err;
    }
  }

  async logout(): Promise<void> {
    if (!this.session) return;
    const session = this.session;
    this.session = undefined;
    await this.request({ operation: 'logout', sessionName: session }, true).catch(() => undefined);
  }
}

function problem(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  return networkProblem(err);
}
