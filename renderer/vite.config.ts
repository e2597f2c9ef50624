import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The renderer is a static bundle: the backend (web mode) or Electron loads dist/renderer.
// No inline scripts or styles are emitted, so the CSP can forbid 'unsafe-inline'.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    modulePreload: { polyfill: false },
  },
});
