// One typed settings schema. `defaults` is the source of the type; storage keeps only what differs
// from it, so a changed default reaches everyone who never touched that field.
import {
  KEYPRESS_TARGETS,
  type KeypressTarget,
  TEMPLATE_KEYS,
  type TemplateKey,
  UNKNOWN_TARGETS,
  type UnknownTarget,
} from './actions.ts';
import { isObject } from './isObject.ts';
import { isRegion } from './phone.ts';
import { PRESETS, type Preset } from './presets.ts';
import { buildUrl, httpOrigin, SAMPLE_VALUES } from './template.ts';

/** When a call pops its CRM tab: Logo CRM pops on answer; ringing pops every ring-group member. */
export const POP_ON = ['answered', 'ringing', 'never'] as const;
export type PopOn = (typeof POP_ON)[number];
/** A new tab per pop, or one pop tab reused (navigated) for every call. */
export const TAB_POLICIES = ['new', 'reuse'] as const;
export type TabPolicy = (typeof TAB_POLICIES)[number];
/** `focus` brings the pop to the front; `keep` opens it in the background and notifies instead. */
export const FOCUS_POLICIES = ['focus', 'keep'] as const;
export type FocusPolicy = (typeof FOCUS_POLICIES)[number];

export const defaults = {
  relayUrl: '',
  agentToken: '',
  defaultRegion: 'TR',
  crm: {
    preset: 'custom' as Preset,
    origin: '',
    templates: {
      card: '',
      companyCard: '',
      quote: '',
      ticket: '',
      newContact: '',
      search: '',
    } as Record<TemplateKey, string>,
  },
  keypressActions: { '1': 'card', '2': 'quote', '3': 'ticket' } as Record<string, KeypressTarget>,
  defaultAction: 'card' as KeypressTarget,
  /** What a caller with no matching contact gets (new contact pre-filled with the number, or a search). */
  unknownAction: 'newContact' as UnknownTarget,
  popOn: 'answered' as PopOn,
  tabPolicy: 'new' as TabPolicy,
  focusPolicy: 'focus' as FocusPolicy,
  /** A desktop notification for each popped call. */
  notifications: true,
  /** The popup's call queue keeps at most this many calls, none older than this many days. */
  queue: { maxCalls: 500, maxAgeDays: 7 },
  /** Minutes between scheduled contact syncs (the worker also syncs on start and on demand). */
  contactSyncMinutes: 15,
};

export const QUEUE_MAX_CALLS = { min: 10, max: 5000 } as const;
export const QUEUE_MAX_AGE_DAYS = { min: 1, max: 90 } as const;

/** Scheduled sync interval bounds: Chrome's alarms fire at most every 30 s; once a day at least. */
export const SYNC_MINUTES_MIN = 1;
export const SYNC_MINUTES_MAX = 1440;

export type Settings = typeof defaults;

/** A message key in `_locales` saying what is wrong with one field. */
export type FieldErrorCode =
  | 'errNotObject'
  | 'errString'
  | 'errTooLong'
  | 'errRelayUrl'
  | 'errToken'
  | 'errRegion'
  | 'errOrigin'
  | 'errTemplateEmpty'
  | 'errTemplatePlaceholder'
  | 'errTemplateUrl'
  | 'errTemplateOrigin'
  | 'errKeypress'
  | 'errAction'
  | 'errSyncMinutes'
  | 'errChoice'
  | 'errBoolean'
  | 'errQueueMaxCalls'
  | 'errQueueMaxAge'
  | 'errUnknownField';

export interface FieldError {
  /** Dotted path of the field, e.g. `crm.templates.card`. */
  field: string;
  code: FieldErrorCode;
}

const TOKEN_RE = /^[\x21-\x7e]{8,256}$/;

export interface Validated {
  settings: Settings;
  errors: FieldError[];
}

/**
 * Reads `input` field by field onto the defaults. A bad field keeps its default and is reported;
 * callers decide whether errors block (an import) or are only shown (stored settings).
 */
export function validateSettings(input: unknown): Validated {
  const errors: FieldError[] = [];
  const out: Settings = structuredClone(defaults) as Settings;
  if (!isObject(input)) return { settings: out, errors: [{ field: '', code: 'errNotObject' }] };
  const fail = (field: string, code: FieldErrorCode): void => {
    errors.push({ field, code });
  };
  const str = (v: unknown, field: string, max = 2048): string | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return void fail(field, 'errString');
    if (v.length > max) return void fail(field, 'errTooLong');
    return v.trim();
  };

  for (const key of Object.keys(input)) if (!(key in defaults)) fail(key, 'errUnknownField');

  const relayUrl = str(input.relayUrl, 'relayUrl');
  if (relayUrl !== undefined) {
    if (relayUrl === '' || relayBase(relayUrl)) out.relayUrl = relayUrl;
    else fail('relayUrl', 'errRelayUrl');
  }
  const token = str(input.agentToken, 'agentToken', 256);
  if (token !== undefined) {
    if (token === '' || TOKEN_RE.test(token)) out.agentToken = token;
    else fail('agentToken', 'errToken');
  }
  const region = str(input.defaultRegion, 'defaultRegion', 2);
  if (region !== undefined) {
    if (isRegion(region.toUpperCase())) out.defaultRegion = region.toUpperCase();
    else fail('defaultRegion', 'errRegion');
  }

  if (input.crm !== undefined) {
    if (!isObject(input.crm)) fail('crm', 'errNotObject');
    else readCrm(input.crm, out, fail, str);
  }

  if (input.keypressActions !== undefined) {
    if (!isObject(input.keypressActions)) fail('keypressActions', 'errNotObject');
    else {
      const map: Record<string, KeypressTarget> = {};
      const before = errors.length;
      for (const [digit, target] of Object.entries(input.keypressActions)) {
        if (!/^[0-9*#]$/.test(digit)) fail(`keypressActions.${digit}`, 'errKeypress');
        else if (!KEYPRESS_TARGETS.includes(target as KeypressTarget))
          fail(`keypressActions.${digit}`, 'errAction');
        else map[digit] = target as KeypressTarget;
      }
      // The map is one setting: a single bad entry keeps the whole default map.
      if (errors.length === before) out.keypressActions = map;
    }
  }
  if (input.defaultAction !== undefined) {
    if (KEYPRESS_TARGETS.includes(input.defaultAction as KeypressTarget))
      out.defaultAction = input.defaultAction as KeypressTarget;
    else fail('defaultAction', 'errAction');
  }
  if (input.contactSyncMinutes !== undefined) {
    if (isIntIn(input.contactSyncMinutes, SYNC_MINUTES_MIN, SYNC_MINUTES_MAX))
      out.contactSyncMinutes = input.contactSyncMinutes;
    else fail('contactSyncMinutes', 'errSyncMinutes');
  }
  const choice = <T extends string>(field: keyof Settings, allowed: readonly T[]): T | undefined => {
    const v = input[field];
    if (v === undefined) return undefined;
    if (allowed.includes(v as T)) return v as T;
    return void fail(field, field === 'unknownAction' ? 'errAction' : 'errChoice');
  };
  out.unknownAction = choice('unknownAction', UNKNOWN_TARGETS) ?? out.unknownAction;
  out.popOn = choice('popOn', POP_ON) ?? out.popOn;
  out.tabPolicy = choice('tabPolicy', TAB_POLICIES) ?? out.tabPolicy;
  out.focusPolicy = choice('focusPolicy', FOCUS_POLICIES) ?? out.focusPolicy;
  if (input.notifications !== undefined) {
    if (typeof input.notifications === 'boolean') out.notifications = input.notifications;
    else fail('notifications', 'errBoolean');
  }
  if (input.queue !== undefined) {
    if (!isObject(input.queue)) fail('queue', 'errNotObject');
    else readQueue(input.queue, out, fail);
  }
  return { settings: out, errors };
}

function readQueue(
  queue: Record<string, unknown>,
  out: Settings,
  fail: (field: string, code: FieldErrorCode) => void,
): void {
  for (const key of Object.keys(queue)) if (!(key in defaults.queue)) fail(`queue.${key}`, 'errUnknownField');
  if (queue.maxCalls !== undefined) {
    if (isIntIn(queue.maxCalls, QUEUE_MAX_CALLS.min, QUEUE_MAX_CALLS.max))
      out.queue.maxCalls = queue.maxCalls;
    else fail('queue.maxCalls', 'errQueueMaxCalls');
  }
  if (queue.maxAgeDays !== undefined) {
    if (isIntIn(queue.maxAgeDays, QUEUE_MAX_AGE_DAYS.min, QUEUE_MAX_AGE_DAYS.max))
      out.queue.maxAgeDays = queue.maxAgeDays;
    else fail('queue.maxAgeDays', 'errQueueMaxAge');
  }
}

function isIntIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function readCrm(
  crm: Record<string, unknown>,
  out: Settings,
  fail: (field: string, code: FieldErrorCode) => void,
  str: (v: unknown, field: string, max?: number) => string | undefined,
): void {
  const origin = str(crm.origin, 'crm.origin');
  if (origin !== undefined) {
    const parsed = httpOrigin(origin);
    // An origin has no path: `https://crm.example.com`, not `https://crm.example.com/app`.
    if (origin === '' || (parsed && parsed === origin.replace(/\/$/, ''))) out.crm.origin = parsed ?? '';
    else fail('crm.origin', 'errOrigin');
  }
  if (crm.preset !== undefined) {
    if (PRESETS.includes(crm.preset as Preset)) out.crm.preset = crm.preset as Preset;
    else fail('crm.preset', 'errChoice');
  }
  for (const key of Object.keys(crm))
    if (!['origin', 'preset', 'templates'].includes(key)) fail(`crm.${key}`, 'errUnknownField');
  if (crm.templates === undefined) return;
  if (!isObject(crm.templates)) {
    fail('crm.templates', 'errNotObject');
    return;
  }
  for (const key of Object.keys(crm.templates))
    if (!TEMPLATE_KEYS.includes(key as TemplateKey)) fail(`crm.templates.${key}`, 'errUnknownField');
  for (const action of TEMPLATE_KEYS) {
    const field = `crm.templates.${action}`;
    const template = str(crm.templates[action], field);
    if (template === undefined) continue;
    if (template === '') {
      out.crm.templates[action] = '';
      continue;
    }
    const built = buildUrl(template, SAMPLE_VALUES, out.crm.origin);
    if (built.ok) out.crm.templates[action] = template;
    else fail(field, built.error);
  }
}

/**
 * The main options form does not carry `contactSyncMinutes` (the contacts section edits it): a save
 * without the field keeps the stored value instead of resetting it to the default.
 */
export function keepStoredSyncMinutes(input: unknown, stored: Settings): unknown {
  if (!isObject(input) || 'contactSyncMinutes' in input) return input;
  return { ...input, contactSyncMinutes: stored.contactSyncMinutes };
}

/** The relay's HTTP base URL (`https://relay.example.com/prefix`) from what the admin typed. */
export function relayBase(relayUrl: string): string | null {
  try {
    const u = new URL(relayUrl);
    const scheme = { 'http:': 'http:', 'https:': 'https:', 'ws:': 'http:', 'wss:': 'https:' }[u.protocol];
    if (!scheme || u.username || u.password) return null;
    return `${scheme}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return null;
  }
}

/** The WebSocket URL of the relay's agent stream. */
export function streamUrl(relayUrl: string): string | null {
  const base = relayBase(relayUrl);
  return base ? `${base.replace(/^http/, 'ws')}/v1/stream` : null;
}

/** The parts of `settings` that differ from the defaults: what storage keeps. */
export function diffFromDefaults(settings: Settings): Partial<Settings> {
  return diff(settings, defaults) as Partial<Settings>;
}

function diff(value: unknown, base: unknown): unknown {
  if (isObject(value) && isObject(base) && !isRecordMap(base)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const d = diff(v, base[k]);
      if (d !== undefined) out[k] = d;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return JSON.stringify(value) === JSON.stringify(base) ? undefined : value;
}

// Maps keyed by data (keypress digits) are stored whole: removing a digit must survive a reload.
function isRecordMap(base: Record<string, unknown>): boolean {
  return base === defaults.keypressActions;
}

/**
 * One field the options form changed: its dotted path (as validation reports it) and the new
 * value; `remove` drops a map entry (a keypress digit left to the default action).
 */
export interface SettingsChange {
  path: string;
  value?: unknown;
  remove?: boolean;
}

const PATH_PART = /^[A-Za-z0-9_*#]{1,40}$/;

/**
 * `changes` laid over `current`, unvalidated (the caller validates the result). Only paths below a
 * known top-level key are applied; a bad path is returned in `rejected` and changes nothing.
 */
export function applyChanges(
  current: Settings,
  changes: readonly SettingsChange[],
): { settings: unknown; rejected: string[] } {
  const out = structuredClone(current) as unknown as Record<string, unknown>;
  const rejected: string[] = [];
  for (const change of changes) {
    const parts = typeof change.path === 'string' ? change.path.split('.') : [];
    const bad = (p: string) =>
      !PATH_PART.test(p) || p === '__proto__' || p === 'constructor' || p === 'prototype';
    if (!parts.length || parts.some(bad) || !Object.hasOwn(defaults, parts[0] as string)) {
      rejected.push(String(change.path));
      continue;
    }
    let target = out;
    for (const part of parts.slice(0, -1)) {
      const next = target[part];
      if (!isObject(next)) target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    const last = parts.at(-1) as string;
    if (change.remove) delete target[last];
    else target[last] = change.value;
  }
  return { settings: out, rejected };
}
