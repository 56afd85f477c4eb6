// Adds (or replaces) messages in all five `_locales` at once, so no language falls behind:
//   node scripts/add-locale-keys.mjs keys.json
// keys.json: { "key": { "description": "for translators", "en": "…", "tr": "…", "ru": "…", "de": "…", "fa": "…",
//              "placeholders": { "count": { "content": "$1", "example": "3" } } } }
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const LOCALES = ['en', 'tr', 'ru', 'de', 'fa'];
const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
for (const [key, entry] of Object.entries(input))
  for (const lang of LOCALES) if (!entry[lang]) throw new Error(`${key}: no ${lang} text`);

for (const lang of LOCALES) {
  const file = `extension/_locales/${lang}/messages.json`;
  const messages = JSON.parse(readFileSync(file, 'utf8'));
  for (const [key, entry] of Object.entries(input)) {
    messages[key] = {
      message: entry[lang],
      ...(lang === 'en' ? { description: entry.description } : {}),
      ...(entry.placeholders ? { placeholders: entry.placeholders } : {}),
    };
  }
  // Written whole and renamed, so a concurrent reader never sees half a file.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(messages, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
console.log(`added ${Object.keys(input).length} keys to ${LOCALES.join(', ')}`);
