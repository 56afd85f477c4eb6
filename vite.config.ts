import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import manifest from './manifest.json' with { type: 'json' };

// The extension build: crxjs reads manifest.json and bundles every entry it names.
// `extension/` holds static assets (icons, _locales) copied as they are.
export default defineConfig({
  plugins: [preact(), crx({ manifest })],
  publicDir: 'extension',
  build: {
    outDir: process.env.SCREENPOP_DIST ?? 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'chrome116',
  },
});
