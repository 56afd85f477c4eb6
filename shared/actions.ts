// Which CRM action a call gets: the caller's IVR keypress picks it (Logo CRM: 1 card, 2 quote,
// 3 ticket); an unknown caller always gets the `unknown` action.

export const ACTIONS = ['card', 'quote', 'ticket', 'unknown'] as const;
export type ActionKind = (typeof ACTIONS)[number];
/** What a keypress may map to: an action, or no pop at all. */
export type KeypressTarget = Exclude<ActionKind, 'unknown'> | 'none';
export const KEYPRESS_TARGETS: readonly KeypressTarget[] = ['card', 'quote', 'ticket', 'none'];

export interface ActionRules {
  keypressActions: Readonly<Record<string, KeypressTarget>>;
  /** Used when the PBX sent no keypress or one that has no mapping. */
  defaultAction: KeypressTarget;
}

/** The action for a call, or null when the admin mapped its keypress to no pop. */
export function chooseAction(
  keypress: string | undefined,
  matched: boolean,
  rules: ActionRules,
): ActionKind | null {
  const mapped = (keypress && rules.keypressActions[keypress]) || rules.defaultAction;
  if (mapped === 'none') return null;
  return matched ? mapped : 'unknown';
}
