// Turning keys from the background into text, for the popup and options pages (pure: `t` is passed in).

export type Translate = (key: string, substitutions?: string | string[]) => string;

// Message names are letters, digits and `_`; anything else (an exception's text) is shown as is.
const MESSAGE_KEY = /^[A-Za-z0-9_]{1,100}$/;

/** The localised text of an error key the background sent, or the text itself when it is no key. */
export function errorText(error: string, t: Translate): string {
  return MESSAGE_KEY.test(error) ? t(error) : error;
}

/**
 * The direction and language of the text the page actually shows. Chrome's `@@bidi_dir` follows the
 * browser's UI locale, not the locale the messages came from: an Arabic or Hebrew browser gets our
 * English fallback, which must still run left to right (and headless Chromium started with
 * `--lang=fa` shows Persian text but reports `ltr`). So each locale states its own direction.
 */
export function pageLocale(t: Translate): { dir: 'ltr' | 'rtl'; lang: string } {
  const dir = t('textDir');
  const lang = t('textLang');
  return {
    dir: dir === 'rtl' || dir === 'ltr' ? dir : t('@@bidi_dir') === 'rtl' ? 'rtl' : 'ltr',
    lang: /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/.test(lang) ? lang : t('@@ui_locale').replace('_', '-'),
  };
}
