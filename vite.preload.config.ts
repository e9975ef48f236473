import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The preload as one CommonJS file, out/preload/preload.cjs: a sandboxed preload can neither load ES modules nor
 * require our other files, so shared/ is inlined and only 'electron' stays a require.
 */
export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'out/preload',
    emptyOutDir: true,
    minify: false,
    sourcemap: false,
    lib: {
      entry: 'preload/index.ts',
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rolldownOptions: {
      external: ['electron'],
    },
  },
});
