// UI strings from `_locales`, for the worker (notifications) and the pages alike.
import browser from './browser.ts';

/** A `_locales` string; falls back to the key so a missing translation is visible, not blank. */
export function t(key: string, substitutions?: string | string[]): string {
  return browser.i18n.getMessage(key, substitutions) || key;
}
