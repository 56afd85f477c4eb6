import { describe, expect, it } from 'vitest';
import { chooseAction } from '../../../shared/actions.ts';
import { defaults } from '../../../shared/settings.ts';

describe('keypress → action', () => {
  it('follows Logo CRM: 1 card, 2 quote, 3 ticket', () => {
    expect(chooseAction('1', true, defaults)).toBe('card');
    expect(chooseAction('2', true, defaults)).toBe('quote');
    expect(chooseAction('3', true, defaults)).toBe('ticket');
  });

  it('uses the default action without a keypress or for an unmapped one', () => {
    expect(chooseAction(undefined, true, defaults)).toBe('card');
    expect(chooseAction('7', true, { ...defaults, defaultAction: 'ticket' })).toBe('ticket');
  });

  it('gives unknown callers the unknown action', () => {
    expect(chooseAction('2', false, defaults)).toBe('newContact');
    expect(chooseAction('2', false, { ...defaults, unknownAction: 'search' })).toBe('search');
    expect(chooseAction('2', false, { ...defaults, unknownAction: 'none' })).toBeNull();
    // A keypress mapped to a search or a new contact keeps it: they need no contact.
    expect(chooseAction('5', false, { ...defaults, keypressActions: { '5': 'search' } })).toBe('search');
  });

  it('pops nothing for a keypress the admin mapped to none', () => {
    expect(chooseAction('9', true, { ...defaults, keypressActions: { '9': 'none' } })).toBeNull();
  });
});
