// Netsantral (NetGSM) custom integration (shared/reference/002_…txt). At a chosen step of the call
// flow (first arrival, a time window, after an IVR key) the PBX sends
// {"arayan_no","aranan_no","santral_no","arama_id","tus_bilgisi"} and routes the call by our answer
// {"status":"success","result":…,"redirect":…,"data":…}. The call has not reached anyone yet, so the
// event is `ringing`; which extension it pops on is decided here, not by the payload.
import {
  type AdapterEvent,
  type AdapterResult,
  adapt,
  asObject,
  FieldError,
  optional,
  presentMaybeEmpty,
  RULES,
  rawString,
  required,
  withOptional,
} from './fields.ts';

/** The event before its extension is chosen. */
export type NetsantralCall = Omit<AdapterEvent, 'extension'>;

/** Key presses: one key is the caller's menu choice; the PBX may also collect a customer number. */
const TUS_RE = /^[0-9*#]{0,32}$/;

export function netsantralAdapter(raw: unknown): AdapterResult {
  return adapt(() => {
    const body = asObject(raw);
    const tus = rawString(body, 'tus_bilgisi');
    if (!TUS_RE.test(tus))
      throw new FieldError('tus_bilgisi', 'tus_bilgisi may contain only up to 32 digits, * or #');
    const dialed = optional(body, 'aranan_no', RULES.phone) ?? optional(body, 'santral_no', RULES.phone);
    const event: AdapterEvent = {
      callId: required(body, 'arama_id', RULES.id),
      state: 'ringing',
      // Filled by chooseExtension; the payload names no extension.
      extension: '',
      // A withheld number arrives empty and still pops, as an unknown caller.
      callerId: presentMaybeEmpty(body, 'arayan_no', RULES.phone),
      direction: 'inbound',
      source: 'netsantral',
    };
    // Only a single key is a keypress (our actions map one key); a longer entry is a customer
    // number, which the event has no field for.
    return withOptional(event, { dialed, keypress: tus.length === 1 ? tus : undefined });
  });
}

export interface ExtensionChoice {
  /** The contact owner's extension, when routing to owners is on and the owner is an agent. */
  owner?: string;
  /** `?extension=` or `?dahili=` on the webhook URL, already checked against the extension pattern. */
  query?: string;
  /** Called number → extension, under the keys `numberKey` makes. */
  byNumber: Record<string, string>;
  numberKey(raw: string): string;
  agentExtensions: ReadonlySet<string>;
  fallback?: string;
}

/**
 * Where the pop goes, most specific first: the owner the call is being routed to, the URL's
 * extension, the called number's configured extension, the called number itself when it is an
 * agent's extension (an integration step placed after the call reached one), the configured default.
 */
export function chooseExtension(
  event: Pick<AdapterEvent, 'dialed'>,
  choice: ExtensionChoice,
): string | undefined {
  if (choice.owner) return choice.owner;
  if (choice.query) return choice.query;
  const dialed = event.dialed ?? '';
  const mappedExt = dialed ? choice.byNumber[choice.numberKey(dialed)] : undefined;
  if (mappedExt) return mappedExt;
  if (choice.agentExtensions.has(dialed)) return dialed;
  return choice.fallback;
}

export interface NetsantralAnswer {
  status: 'success';
  result: string;
  redirect?: string;
  data?: string;
}

/** Netsantral's answer: route to the owner's extension, else the configured default result. */
export function netsantralAnswer(options: {
  ownerExtension?: string;
  defaultResult: string;
  defaultRedirect?: string;
  greeting?: string;
  contactName?: string;
}): NetsantralAnswer {
  const answer: NetsantralAnswer = options.ownerExtension
    ? { status: 'success', result: 'extensions', redirect: options.ownerExtension }
    : { status: 'success', result: options.defaultResult };
  if (!options.ownerExtension && options.defaultRedirect) answer.redirect = options.defaultRedirect;
  // Read aloud by text-to-speech; Netsantral asks for no all-capital words, so names keep their case.
  // A replacer function, not a string: in a replacement string `$'`, `$&`, `$1` are patterns, so a
  // contact named `$' x` would put other text of the greeting into what is read aloud.
  const name = options.contactName;
  if (options.greeting && name) answer.data = options.greeting.replaceAll('{name}', () => name);
  return answer;
}
