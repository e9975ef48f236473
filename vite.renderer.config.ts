import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = import.meta.dirname;

/**
 * The desktop window. Electron loads the result from disk, so asset URLs are relative (`base: './'`) and nothing is
 * fetched at run time: the page talks to the core only through `window.bridge` (see renderer/index.html's CSP).
 */
export default defineConfig({
  root: path.join(here, 'renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: path.join(here, 'out', 'renderer'),
    emptyOutDir: true,
    // One small chunk and no inline modulepreload polyfill: the CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    target: 'chrome130',
  },
});
