// The settings form as flat strings keyed by the same dotted paths validateSettings reports errors
// on, so an error lands next to its field without a lookup table per section.

import type { UnknownTarget } from '../shared/actions.ts';
import { KEYPRESS_TARGETS, type KeypressTarget, TEMPLATE_KEYS, type TemplateKey } from '../shared/actions.ts';
import type { Preset } from '../shared/presets.ts';
import type {
  FieldError,
  FieldErrorCode,
  FocusPolicy,
  PopOn,
  Settings,
  SettingsChange,
  TabPolicy,
} from '../shared/settings.ts';
import { buildUrl, SAMPLE_VALUES, type TemplateError } from '../shared/template.ts';
import type { Translate } from '../shared/ui/uiText.ts';

/** Keypresses the form offers a select for (Logo CRM's 1 card, 2 quote, 3 ticket). */
export const SHOWN_DIGITS = ['1', '2', '3'] as const;
export type ShownDigit = (typeof SHOWN_DIGITS)[number];

export type FieldName =
  | 'relayUrl'
  | 'agentToken'
  | 'defaultRegion'
  | 'crm.preset'
  | 'crm.origin'
  | `crm.templates.${TemplateKey}`
  | `keypressActions.${ShownDigit}`
  | 'defaultAction'
  | 'unknownAction'
  | 'popOn'
  | 'tabPolicy'
  | 'focusPolicy'
  | 'notifications'
  | 'queue.maxCalls'
  | 'queue.maxAgeDays';

export const FIELDS: readonly FieldName[] = [
  'relayUrl',
  'agentToken',
  'defaultRegion',
  'crm.preset',
  'crm.origin',
  ...TEMPLATE_KEYS.map((a) => `crm.templates.${a}` as const),
  ...SHOWN_DIGITS.map((d) => `keypressActions.${d}` as const),
  'defaultAction',
  'unknownAction',
  'popOn',
  'tabPolicy',
  'focusPolicy',
  'notifications',
  'queue.maxCalls',
  'queue.maxAgeDays',
];

/** The element id of each field (the e2e tests select by these). */
export function fieldId(field: FieldName): string {
  if (field === 'crm.origin') return 'crmOrigin';
  if (field === 'crm.preset') return 'crmPreset';
  if (field.startsWith('queue.')) return `queue-${field.slice('queue.'.length)}`;
  if (field.startsWith('crm.templates.')) return `tpl-${field.slice('crm.templates.'.length)}`;
  if (field.startsWith('keypressActions.')) return `kp-${field.slice('keypressActions.'.length)}`;
  return field;
}

/**
 * A shown digit's select value: a target, or '' when the digit has no mapping of its own and so
 * gets the default action. Keeping '' distinct means saving never invents a mapping.
 */
export type KeypressChoice = KeypressTarget | '';

export interface FormState {
  values: Record<FieldName, string>;
  /** Mappings of digits the form shows no select for, kept so saving does not drop them. */
  otherKeypress: Record<string, KeypressTarget>;
}

export function settingsToForm(settings: Settings): FormState {
  const otherKeypress: Record<string, KeypressTarget> = {};
  for (const [digit, target] of Object.entries(settings.keypressActions))
    if (!isShownDigit(digit)) otherKeypress[digit] = target;
  const values = {
    relayUrl: settings.relayUrl,
    agentToken: settings.agentToken,
    defaultRegion: settings.defaultRegion,
    'crm.preset': settings.crm.preset,
    'crm.origin': settings.crm.origin,
    defaultAction: settings.defaultAction,
    unknownAction: settings.unknownAction,
    popOn: settings.popOn,
    tabPolicy: settings.tabPolicy,
    focusPolicy: settings.focusPolicy,
    notifications: String(settings.notifications),
    'queue.maxCalls': String(settings.queue.maxCalls),
    'queue.maxAgeDays': String(settings.queue.maxAgeDays),
  } as Record<FieldName, string>;
  for (const action of TEMPLATE_KEYS)
    values[`crm.templates.${action}`] = settings.crm.templates[action] ?? '';
  for (const digit of SHOWN_DIGITS)
    values[`keypressActions.${digit}`] = settings.keypressActions[digit] ?? '';
  return { values, otherKeypress };
}

/**
 * The settings this form edits, unvalidated: the background validates on save. The sync interval
 * is edited (and saved) by the contacts section; a save without it keeps the stored value, so this
 * form can never overwrite a newer interval with the one it loaded.
 */
export type FormSettings = Omit<Settings, 'contactSyncMinutes'>;

export function formToSettings(form: FormState): FormSettings {
  const v = form.values;
  const keypressActions: Record<string, KeypressTarget> = { ...form.otherKeypress };
  for (const digit of SHOWN_DIGITS) {
    const choice = v[`keypressActions.${digit}`];
    if (choice) keypressActions[digit] = choice as KeypressTarget;
  }
  const templates = {} as Record<TemplateKey, string>;
  for (const action of TEMPLATE_KEYS) templates[action] = v[`crm.templates.${action}`];
  return {
    relayUrl: v.relayUrl,
    agentToken: v.agentToken,
    defaultRegion: v.defaultRegion,
    crm: { preset: v['crm.preset'] as Preset, origin: v['crm.origin'], templates },
    keypressActions,
    // Selects only offer valid choices; a wrong one would still be caught by validation.
    defaultAction: v.defaultAction as KeypressTarget,
    unknownAction: v.unknownAction as UnknownTarget,
    popOn: v.popOn as PopOn,
    tabPolicy: v.tabPolicy as TabPolicy,
    focusPolicy: v.focusPolicy as FocusPolicy,
    notifications: v.notifications === 'true',
    queue: { maxCalls: toInt(v['queue.maxCalls']), maxAgeDays: toInt(v['queue.maxAgeDays']) },
  };
}

// A number field's text as the validator should see it: digits become a number, anything else stays
// text so validation names the field instead of a silent NaN.
function toInt(text: string): number {
  const trimmed = text.trim();
  return (/^\d{1,9}$/.test(trimmed) ? Number(trimmed) : trimmed) as number;
}

/**
 * The fields the agent changed since the form was loaded, as changes to lay over the settings as
 * they are when saved: a Save never writes back a field it merely showed (an import, another tab
 * or the policy may have changed it meanwhile).
 */
export function formChanges(loaded: FormState, form: FormState): SettingsChange[] {
  const changes: SettingsChange[] = [];
  for (const field of FIELDS) {
    const value = form.values[field];
    if (value === loaded.values[field]) continue;
    if (field.startsWith('keypressActions.') && value === '') changes.push({ path: field, remove: true });
    else if (field === 'notifications') changes.push({ path: field, value: value === 'true' });
    else if (field.startsWith('queue.')) changes.push({ path: field, value: toInt(value) });
    else changes.push({ path: field, value });
  }
  return changes;
}

export function withValue(form: FormState, field: FieldName, value: string): FormState {
  return { ...form, values: { ...form.values, [field]: value } };
}

export function isShownDigit(digit: string): digit is ShownDigit {
  return (SHOWN_DIGITS as readonly string[]).includes(digit);
}

export function isKeypressTarget(value: string): value is KeypressTarget {
  return (KEYPRESS_TARGETS as readonly string[]).includes(value);
}

/** The first error of each field (one message per field is enough to act on). */
export function errorsByField(errors: readonly FieldError[]): Map<string, FieldErrorCode> {
  const out = new Map<string, FieldErrorCode>();
  for (const e of errors) if (!out.has(e.field)) out.set(e.field, e.code);
  return out;
}

export interface ErrorSources {
  /** From validating the form as it is now. */
  live: readonly FieldError[];
  /** From the last save, minus fields edited since. */
  saved: readonly FieldError[];
  touched: ReadonlySet<string>;
  /** After a save attempt every field's live error shows. */
  submitted: boolean;
}

/** The error to show per field: live errors once a field was touched (or saved), else the save's. */
export function visibleErrors({
  live,
  saved,
  touched,
  submitted,
}: ErrorSources): Map<string, FieldErrorCode> {
  const shown = errorsByField(live.filter((e) => submitted || touched.has(e.field)));
  for (const [field, code] of errorsByField(saved)) if (!shown.has(field)) shown.set(field, code);
  return shown;
}

/** Errors on paths the form has no field for (unknown keys, other digits, the whole file). */
export function unplacedErrors(errors: readonly FieldError[]): FieldError[] {
  return errors.filter((e) => !(FIELDS as readonly string[]).includes(e.field));
}

/** `_locales` key of the label of each path that is not one template or one keypress. */
export const PLAIN_FIELD_LABELS: ReadonlyMap<string, string> = new Map([
  ['relayUrl', 'labelRelayUrl'],
  ['agentToken', 'labelAgentToken'],
  ['defaultRegion', 'labelDefaultRegion'],
  ['crm', 'sectionCrm'],
  ['crm.origin', 'labelCrmOrigin'],
  ['crm.preset', 'labelCrmPreset'],
  ['unknownAction', 'labelUnknownAction'],
  ['popOn', 'labelPopOn'],
  ['tabPolicy', 'labelTabPolicy'],
  ['focusPolicy', 'labelFocusPolicy'],
  ['notifications', 'labelNotifications'],
  ['queue', 'sectionQueue'],
  ['queue.maxCalls', 'labelQueueMaxCalls'],
  ['queue.maxAgeDays', 'labelQueueMaxAge'],
  ['crm.templates', 'labelTemplates'],
  ['keypressActions', 'sectionKeypress'],
  ['defaultAction', 'labelDefaultAction'],
]);

/** A field path as a person reads it, e.g. in the list of an import's errors. */
export function describeField(field: string, t: Translate): string {
  if (field === '') return t('fieldWholeFile');
  const plain = PLAIN_FIELD_LABELS.get(field);
  if (plain) return t(plain);
  const keypress = /^keypressActions\.(.+)$/.exec(field);
  if (keypress?.[1]) return t('labelKeypress', keypress[1]);
  const template = /^crm\.templates\.(.+)$/.exec(field);
  if (template?.[1] && (TEMPLATE_KEYS as readonly string[]).includes(template[1]))
    return t('fieldTemplate', t(`template_${template[1]}`));
  return field;
}

export type TemplatePreview =
  | { kind: 'url'; url: string }
  | { kind: 'empty' }
  | { kind: 'invalid'; error: TemplateError };

/** A template filled with the sample caller, as the background would open it. */
export function templatePreview(template: string, origin: string): TemplatePreview {
  if (!template.trim()) return { kind: 'empty' };
  const built = buildUrl(template.trim(), SAMPLE_VALUES, origin);
  return built.ok ? { kind: 'url', url: built.url } : { kind: 'invalid', error: built.error };
}
