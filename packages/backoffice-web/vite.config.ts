import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The back office is served by the central server from dist/ (same origin as /api).
// `npm run dev -w @comptoir/backoffice-web` proxies /api to a demo's central server (port 4000).
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022', chunkSizeWarningLimit: 1000 },
  server: { proxy: { '/api': 'http://127.0.0.1:4000' } },
});
