import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { ComptoirError } from '@comptoir/protocol';

/**
 * Where `npm run build -w @comptoir/backoffice-web` writes the back office: found through the
 * workspace package, so it holds from the TypeScript sources and from the bundled command alike.
 */
export const DEFAULT_BACKOFFICE_DIR = join(dirname(createRequire(import.meta.url).resolve('@comptoir/backoffice-web/package.json')), 'dist') + sep;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Comptoir</title>
<p>Le back office n'est pas construit. Lancez <code>npm run build -w @comptoir/backoffice-web</code> puis redémarrez.</p>
<p>The back office is not built. Run <code>npm run build -w @comptoir/backoffice-web</code>, then restart.</p>`;

/**
 * Serves the built back office (public: the app itself holds no data; every /api call needs a
 * token). Invariants: a path never escapes `dir`; /api/* is never answered with the app (an unknown
 * API path is a JSON 404); any other unknown path gets index.html (the app routes on the client).
 * Hashed assets (/assets/*) are cached for a year, index.html never.
 */
export function backofficeStaticRoutes(app: FastifyInstance, dir: string = DEFAULT_BACKOFFICE_DIR): void {
  const root = resolve(dir);
  const index = join(root, 'index.html');
  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const path = decodeURIComponent(request.url.split('?')[0] ?? '/');
    if (path === '/api' || path.startsWith('/api/')) throw new ComptoirError('NOT_FOUND', `No route GET ${path}`);
    if (!existsSync(index)) return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    const file = resolve(root, `.${path}`);
    const inside = file === root || file.startsWith(root + sep);
    if (inside && file !== root && existsSync(file) && statSync(file).isFile()) {
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      reply.header('cache-control', path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      return reply.type(type).send(createReadStream(file));
    }
    reply.header('cache-control', 'no-cache');
    return reply.type(TYPES['.html']!).send(createReadStream(index));
  });
}
