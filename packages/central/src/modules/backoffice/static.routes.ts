import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { createRequire } from 'node:module';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { publicUndocumented } from '@comptoir/http';
import { ComptoirError } from '@comptoir/protocol';

/**
 * Where `npm run build -w @comptoir/backoffice-web` writes the back office: found through the
 * workspace package, so it holds from the TypeScript sources and from the bundled command alike.
 */
export const DEFAULT_BACKOFFICE_DIR = join(dirname(createRequire(import.meta.url).resolve('@comptoir/backoffice-web/package.json')), 'dist') + sep;

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Comptoir</title>
<p>Le back office n'est pas construit. Lancez <code>npm run build -w @comptoir/backoffice-web</code> puis redémarrez.</p>
<p>The back office is not built. Run <code>npm run build -w @comptoir/backoffice-web</code>, then restart.</p>`;

/**
 * Serves the built back office (public: the app itself holds no data; every /api call needs a
 * token), with @fastify/static: the files present at start (hashed /assets/* cached for a year,
 * the others never), and index.html for any other path that is not /api/* (the app routes on the
 * client); an unknown API path stays a JSON 404. @fastify/static keeps every path inside `dir`.
 */
export function backofficeStaticRoutes(app: FastifyInstance, dir: string = DEFAULT_BACKOFFICE_DIR): void {
  const built = existsSync(join(dir, 'index.html'));
  publicUndocumented(app, async (files) => {
    if (built) {
      await files.register(fastifyStatic, {
        root: dir,
        wildcard: false,
        index: false,
        cacheControl: false,
        setHeaders: (res, path) => {
          res.setHeader('cache-control', path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
    }
    files.get('/*', async (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (path === '/api' || path.startsWith('/api/')) throw new ComptoirError('NOT_FOUND', `No route GET ${path}`);
      if (!built) return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
      return reply.header('cache-control', 'no-cache').sendFile('index.html', dir, { cacheControl: false });
    });
  });
}
