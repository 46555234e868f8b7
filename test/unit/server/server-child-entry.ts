/**
 * The server under fuzz (and the upload memory test), in its own process: if a request could kill it, the fuzz test sees the
 * process exit (and counts a restart) instead of losing its own process. Prints `port <n>` when
 * listening. argv: <dataDir> <rendererDir> <token>
 */
import { createAppServices } from '../../../main/api/app-services.ts';
import { startUiServer } from '../../../main/server/ui-server.ts';

const [dataDir, rendererDir, token] = process.argv.slice(2) as [string, string, string];
const services = await createAppServices({ dataDir, transport: 'browser', background: false });
let logged = 0;
const server = await startUiServer({ registry: services.registry, bus: services.bus, rendererDir, libraryDir: services.app.dataDir.library, token, log: () => logged++ });
process.stdout.write(`port ${server.port}\n`);
process.on('SIGTERM', () => {
  process.stdout.write(`logged ${logged}\n`);
  void server.close().then(() => services.close()).then(() => process.exit(0));
});
