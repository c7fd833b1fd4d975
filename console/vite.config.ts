import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the app itself under a Content-Security-Policy without 'unsafe-inline': every script and
// stylesheet is a file under /assets, and no asset is inlined as a data: URI.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0, sourcemap: false },
  server: {
    proxy: {
      '^/(auth|users|api-keys|alerts|plans|subscriptions|tokens|billing|admin/(users|costs|models|tokens)|v1|services|health)':
        'http://localhost:3000',
    },
  },
});
