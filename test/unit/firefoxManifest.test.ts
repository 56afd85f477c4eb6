import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firefoxManifest, GECKO_ID } from '../../scripts/firefoxManifest.ts';

// The shape crxjs writes to dist/manifest.json: the worker entry is its loader script.
const chrome = {
  ...JSON.parse(readFileSync(resolve(import.meta.dirname, '../../manifest.json'), 'utf8')),
  background: { service_worker: 'service-worker-loader.js', type: 'module' },
};

describe('the Firefox manifest', () => {
  const firefox = firefoxManifest(chrome);

  it('runs the same module as an event page, not a service worker', () => {
    expect(firefox.background).toEqual({ scripts: ['service-worker-loader.js'], type: 'module' });
  });

  it('drops what only Chrome reads (key, minimum_chrome_version, storage.managed_schema)', () => {
    for (const key of ['key', 'minimum_chrome_version', 'storage'])
      expect(firefox, `${key} is Chrome's`).not.toHaveProperty(key);
  });

  it('has the fixed gecko id, a minimum version and no data collection', () => {
    expect(firefox.browser_specific_settings).toEqual({
      gecko: {
        id: GECKO_ID,
        strict_min_version: '140.0',
        data_collection_permissions: { required: ['none'] },
      },
    });
  });

  it('sets a page CSP without upgrade-insecure-requests, so a ws:// relay stays ws://', () => {
    expect(firefox.content_security_policy).toEqual({ extension_pages: "script-src 'self'" });
  });

  it('keeps everything else as it is and leaves its input alone', () => {
    expect(firefox.permissions).toEqual(chrome.permissions);
    expect(firefox.options_ui).toEqual(chrome.options_ui);
    expect(chrome.key).toBeTypeOf('string');
  });

  it('refuses a manifest without a worker entry', () => {
    expect(() => firefoxManifest({ manifest_version: 3 })).toThrow(/service_worker/);
  });
});
