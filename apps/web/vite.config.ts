import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    // The size test reads which files index.html loads from here.
    manifest: true,
    // Every browser the page supports has modulepreload; the polyfill would be dead weight.
    modulePreload: { polyfill: false },
    // The page's CSP has no 'unsafe-inline' and img-src 'self' data: — keep assets as files.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
