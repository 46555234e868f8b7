import type { AppContext } from '../core/app-context.ts';
import { openAppContext } from '../core/app-context.ts';
import { ApiRegistry } from './registry.ts';
import { EventBus } from './event-bus.ts';
import { registerAllHandlers } from './handlers/index.ts';
import { InferenceRuntime } from '../runtime/inference-runtime.ts';
import type { KeyStore } from '../llm/key-store.ts';
import { browserFileUrl, electronFileUrl, type FileUrl } from '../core/file-urls.ts';
import { createFileKeyStore } from '../llm/file-key-store.ts';

/**
 * Everything a shell (Electron, browser UI server, tests) needs: the open data folder, the event
 * bus and the registry with every handler. Shells only add a transport on top.
 */
export interface AppServices {
  app: AppContext;
  bus: EventBus;
  registry: ApiRegistry;
  /** Worker pool, execution providers and the chosen packs (lazy: nothing loads until used). */
  inference: InferenceRuntime;
  transport: 'electron' | 'browser' | 'test';
  /** Secrets (Claude API key, S3 secret): OS keychain in Electron, 0600 files elsewhere. */
  secrets: { claude: KeyStore; s3: KeyStore; storage: 'safeStorage' | 'file' };
  /** Library path → URL for this shell (events carry URLs, so they need it outside a request). */
  fileUrl: FileUrl;
  /** Run on close: background services (pipeline, hot folder, workers) register their stop here. */
  onClose(fn: () => Promise<void> | void): void;
  /** Background services that follow Settings (hot folder) register here; settings.update calls them. */
  onSettingsChanged(fn: () => Promise<void> | void): void;
  settingsChanged(): Promise<void>;
  close(): Promise<void>;
}

export interface ServicesOptions {
  dataDir?: string;
  transport: AppServices['transport'];
  /** Start background work (pipeline runner, hot folder). Off in some tests. */
  background?: boolean;
  /** Electron passes a safeStorage-backed store; the CLI and browser UI use 0600 files. */
  keyStore?: { create(name: string): KeyStore; storage: 'safeStorage' | 'file' };
  /** `assetql serve --redis --store`: coordinate workers with these URLs (overrides Settings → Distributed). */
  distributed?: { redisUrl: string; storeUrl: string } | null;
}

export async function createAppServices(opts: ServicesOptions): Promise<AppServices> {
  // With background work this process runs the engine, so it must be the data folder's only
  // writer: a second app/serve/run on the same folder is refused with this one's pid.
  const background = opts.background ?? true;
  const app = openAppContext(opts.dataDir, background ? { writer: WRITER_LABEL[opts.transport] } : {});
  const closers: (() => Promise<void> | void)[] = [];
  const settingsListeners: (() => Promise<void> | void)[] = [];
  const services: AppServices = {
    app,
    bus: new EventBus(),
    registry: new ApiRegistry(),
    inference: new InferenceRuntime(app),
    secrets: secretsFor(app.dataDir.root, opts.keyStore),
    fileUrl: opts.transport === 'electron' ? electronFileUrl : browserFileUrl,
    transport: opts.transport,
    onClose: (fn) => closers.push(fn),
    onSettingsChanged: (fn) => settingsListeners.push(fn),
    async settingsChanged() {
      for (const fn of settingsListeners) await fn();
    },
    async close() {
      for (const fn of closers.reverse()) await fn();
      await services.inference.close();
      app.close();
    },
  };
  try {
    await registerAllHandlers(services, { background, distributed: opts.distributed ?? null });
  } catch (err) {
    await services.close().catch(() => undefined);
    throw err;
  }
  return services;
}

const WRITER_LABEL: Record<AppServices['transport'], string> = {
  electron: 'the AssetQL app',
  browser: 'assetql serve',
  test: 'test services',
};

function secretsFor(root: string, factory: ServicesOptions['keyStore']): AppServices['secrets'] {
  const create = factory ? (n: string) => factory.create(n) : (n: string) => createFileKeyStore(root, n);
  return { claude: create('anthropic'), s3: create('s3'), storage: factory?.storage ?? 'file' };
}
