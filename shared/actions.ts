// Which CRM action a call gets: the caller's IVR keypress picks it (Logo CRM: 1 card, 2 quote,
// 3 ticket, any digit remappable by the admin); a caller with no matching contact gets the admin's
// unknown-caller action, because a quote or a ticket needs a company to belong to.
import type { ContactKind } from './contact.ts';

/** What a pop can open; each has a URL template (shared/presets.ts, settings `crm.templates`). */
export const ACTIONS = ['card', 'quote', 'ticket', 'newContact', 'search'] as const;
export type ActionKind = (typeof ACTIONS)[number];

/** Template keys: the actions plus the company card, used for a card when the match is a company. */
export const TEMPLATE_KEYS = ['card', 'companyCard', 'quote', 'ticket', 'newContact', 'search'] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

/** What a keypress may map to: an action, or no pop at all. */
export type KeypressTarget = ActionKind | 'none';
export const KEYPRESS_TARGETS: readonly KeypressTarget[] = [...ACTIONS, 'none'];

/** What a caller with no matching contact gets. */
export type UnknownTarget = 'newContact' | 'search' | 'none';
export const UNKNOWN_TARGETS: readonly UnknownTarget[] = ['newContact', 'search', 'none'];

// Actions that make sense without a contact: an unknown caller keeps them when the keypress asks.
const CONTACTLESS: ReadonlySet<ActionKind> = new Set(['newContact', 'search']);

export interface ActionRules {
  keypressActions: Readonly<Record<string, KeypressTarget>>;
  /** Used when the PBX sent no keypress or one that has no mapping. */
  defaultAction: KeypressTarget;
  unknownAction: UnknownTarget;
}

/** The action for a call, or null when the admin mapped it to no pop. */
export function chooseAction(
  keypress: string | undefined,
  matched: boolean,
  rules: ActionRules,
): ActionKind | null {
  const mapped = (keypress && rules.keypressActions[keypress]) || rules.defaultAction;
  if (mapped === 'none') return null;
  if (matched || CONTACTLESS.has(mapped)) return mapped;
  return rules.unknownAction === 'none' ? null : rules.unknownAction;
}

/**
 * The template an action opens: a card for a company uses the company card when the admin (or the
 * preset) has one, so vtiger's Accounts and Contacts modules each get their own record view.
 */
export function templateKeyFor(
  action: ActionKind,
  contactKind: ContactKind | undefined,
  templates: Readonly<Record<TemplateKey, string>>,
): TemplateKey {
  if (action === 'card' && contactKind === 'company' && templates.companyCard.trim()) return 'companyCard';
  return action;
}

/** Queue rows written before `unknown` was split into new contact / search. */
export function upgradeAction(action: string | null | undefined): ActionKind | null {
  if (action === 'unknown') return 'newContact';
  return (ACTIONS as readonly string[]).includes(action ?? '') ? (action as ActionKind) : null;
}
