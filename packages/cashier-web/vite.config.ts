import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The cashier screen is served by the register agent from dist/ (same origin as /api).
// `npm run dev -w @comptoir/cashier-web` proxies /api to the demo's first register (port 4001).
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  server: { proxy: { '/api': 'http://127.0.0.1:4001' } },
});
