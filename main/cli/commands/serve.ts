import { parseArgs } from 'node:util';
import type { CliIo, Command } from '../command.ts';
import { createAppServices } from '../../api/app-services.ts';
import { startUiServer } from '../../server/ui-server.ts';
import { RENDERER_DIR } from '../../core/app-root.ts';
import { assertPortFree, portError } from '../../server/port-check.ts';
import { stderrServerLog, type ServerLog } from '../../server/server-log.ts';
import { exportDownloads } from '../../api/export-downloads.ts';
import { exportDownloadRoute } from '../../server/export-download-route.ts';


export const serveCommand: Command = {
  name: 'serve',
  summary: 'Open the app in your browser (no Electron needed)',
  usage: `Usage: assetql serve [--host 127.0.0.1] [--port 0] [--data-dir DIR] [--json] [--redis URL --store URL]

Serves the AssetQL interface at http://127.0.0.1:<port>/?token=<random>. The token changes at
every launch (unless ASSETQL_SERVE_TOKEN fixes it, for supervisors that restart the server) and
is required for the page, its files and its WebSocket; keep the URL private.
--host 0.0.0.0 exposes it to your network: only do that on a network you trust.
--redis/--store make this the coordinator of generation workers (assetql worker), overriding
Settings → Distributed; see README → "Several GPU machines".`,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '0' },
        'data-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        redis: { type: 'string' },
        store: { type: 'string' },
      },
    });
    if (Boolean(values.redis) !== Boolean(values.store)) {
      io.stderr.write('assetql serve: --redis and --store go together\n');
      return 2;
    }
    const distributed = values.redis && values.store ? { redisUrl: values.redis, storeUrl: values.store } : null;
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: '${values.port}' is not a port number`);
    // Before anything else: a busy port must not leave a second process holding the database.
    await assertPortFree(values.host, port);
    const log = stderrServerLog();
    // The top-level guard: whatever escapes a handler is logged and the server keeps serving.
    const guard = (err: unknown): void => log(`error caught by the guard: ${err instanceof Error ? err.message : String(err)}`);
    process.on('uncaughtException', guard);
    process.on('unhandledRejection', guard);
    try {
      return await serve(values.host, port, values['data-dir'], values.json, io, log, distributed);
    } finally {
      process.off('uncaughtException', guard);
      process.off('unhandledRejection', guard);
    }
  },
};

async function serve(host: string, port: number, dataDir: string | undefined, json: boolean, io: CliIo, log: ServerLog, distributed: { redisUrl: string; storeUrl: string } | null): Promise<number> {
  const services = await createAppServices({ dataDir, transport: 'browser', distributed });
  let server;
  try {
    server = await startUiServer({
      registry: services.registry,
      bus: services.bus,
      rendererDir: RENDERER_DIR,
      libraryDir: services.app.dataDir.library,
      routes: [exportDownloadRoute(exportDownloads(services), services.bus)],
      host,
      port,
      log,
      ...(fixedToken() ? { token: fixedToken()! } : {}),
    });
  } catch (err) {
    await services.close();
    throw (err as NodeJS.ErrnoException).code ? portError(host, port, err as NodeJS.ErrnoException) : err;
  }
  if (json) io.stdout.write(JSON.stringify({ url: server.url, dataDir: services.app.dataDir.root }) + '\n');
  else io.stdout.write(`AssetQL is running at ${server.url}\nData folder: ${services.app.dataDir.root}\nPress Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
  await server.close();
  await services.close();
  return 0;
}

/**
 * ASSETQL_SERVE_TOKEN keeps the token across restarts on the same --port (a supervisor that
 * restarts the server, the restart e2e test): open pages reconnect instead of being locked out.
 * It must be long enough not to be guessed.
 */
function fixedToken(): string | null {
  const t = process.env['ASSETQL_SERVE_TOKEN'];
  if (!t) return null;
  if (t.length < 32 || !/^[A-Za-z0-9_-]+$/.test(t)) throw new Error('ASSETQL_SERVE_TOKEN must be at least 32 characters of A-Z, a-z, 0-9, _ or -');
  return t;
}
