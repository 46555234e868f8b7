import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The renderer is plain React + TSX compiled by Vite's esbuild (no React plugin needed: fast
// refresh is not worth another dependency for a desktop app that is rebuilt per release).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './', // relative URLs so the same build loads from file:// (Electron) and http (browser UI)
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  logLevel: 'warn',
});
