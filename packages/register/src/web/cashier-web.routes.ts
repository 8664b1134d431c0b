import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { publicUndocumented } from '@comptoir/http';
import { ComptoirError } from '@comptoir/protocol';

/**
 * Where `npm run build -w @comptoir/cashier-web` writes the cashier screen: found through the
 * workspace package, so it holds from the TypeScript sources and from the bundled command alike.
 */
export const DEFAULT_CASHIER_WEB_DIR = join(dirname(createRequire(import.meta.url).resolve('@comptoir/cashier-web/package.json')), 'dist') + sep;

const NOT_BUILT = `<!doctype html><html lang="fr"><meta charset="utf-8"><title>Comptoir</title>
<body><h1>Écran de caisse non construit</h1>
<p>Lancez <code>npm run build -w @comptoir/cashier-web</code> puis rechargez la page.</p>
<p lang="en">The cashier screen is not built: run <code>npm run build -w @comptoir/cashier-web</code>, then reload.</p></body></html>`;

/**
 * Serves the cashier screen (a single-page app) from the register agent itself, so the screen
 * reloads while the central server is unreachable. Hashed assets are immutable; every other
 * non-API GET answers index.html (client-side routes), never cached so a new build shows at once.
 * Invariant: /api/* is never answered with HTML (an unknown API path stays a JSON 404).
 */
export function cashierWebRoutes(app: FastifyInstance, dir: string = DEFAULT_CASHIER_WEB_DIR): void {
  const built = existsSync(join(dir, 'index.html'));
  publicUndocumented(app, async (files) => {
    if (built) {
      await files.register(fastifyStatic, {
        root: join(dir, 'assets'),
        prefix: '/assets/',
        immutable: true,
        maxAge: '365d',
        index: false,
      });
    }
    files.get('/*', async (req, reply) => {
      if (req.url === '/api' || req.url.startsWith('/api/')) {
        throw new ComptoirError('NOT_FOUND', `No route ${req.method} ${req.url}`);
      }
      if (!built) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
      // The static plugin's immutable max-age would override the header: index.html names the
      // hashed assets of the current build, so it must be revalidated on every load.
      return reply.header('cache-control', 'no-cache').sendFile('index.html', dir, { cacheControl: false });
    });
  });
}
