/**
 * The renderer build: renderer/ → dist-renderer/, relative asset paths so the
 * same build loads from file:// in Electron and from the loopback server in
 * browser mode. No inline scripts: both hosts send `script-src 'self'`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./renderer'),
  base: './',
  plugins: [react()],
  publicDir: false,
  build: {
    outDir: here('./dist-renderer'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The polyfill would be inlined as a <script>; Chromium and Electron need none.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
  },
  server: { host: '127.0.0.1', strictPort: true },
});
