// `kind: "file"`: a CSV or JSON file, or a folder of them, as a source among others. The file is
// re-read when it changes (relay/contacts/contactSources.ts) and each read is a complete batch.
import { resolve } from 'node:path';
import { fail, text } from '../../http/configFields.ts';
import { type ContactsSource, createSourceReader } from '../contactSources.ts';
import type { ContactSource, SourceConfigBase, SourceKind } from './sourceTypes.ts';

export interface FileSourceConfig extends SourceConfigBase {
  kind: 'file';
  path: ContactsSource;
}

export const fileSourceKind: SourceKind<FileSourceConfig> = {
  parse(raw, field, base, baseDir) {
    if ((raw.file === undefined) === (raw.dir === undefined))
      fail(field, 'must have exactly one of file or dir');
    const path: ContactsSource =
      raw.dir === undefined
        ? { file: resolve(baseDir, text(raw.file, `${field}.file`, 4096)) }
        : { dir: resolve(baseDir, text(raw.dir, `${field}.dir`, 4096)) };
    return { ...base, kind: 'file', path };
  },
  create(config, { log }): ContactSource {
    const reader = createSourceReader(config.path, log);
    return {
      name: config.name,
      kind: 'file',
      intervalSeconds: config.intervalSeconds,
      async poll() {
        const contacts = await reader.scan();
        if (contacts) return { upserts: contacts, deletes: [], complete: true };
        const error = reader.error();
        if (error) throw new Error(error);
        return { upserts: [], deletes: [], complete: false };
      },
      async close() {},
    };
  },
};
