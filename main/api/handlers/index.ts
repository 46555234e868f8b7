import type { AppServices } from '../app-services.ts';
import { registerAppHandlers } from './app-handlers.ts';
import { registerUploadHandlers } from './upload-handlers.ts';
import { registerModelsHandlers } from './models-handlers.ts';
import { registerGpuHandlers } from './gpu-handlers.ts';
import { registerStyleWeightsHandlers } from './style-weights-handlers.ts';
import { registerDnaHandlers } from './dna-handlers.ts';
import { registerSecretsHandlers } from './secrets-handlers.ts';
import { registerExportHandlers } from './export-handlers.ts';
import { registerPipelineHandlers } from './pipeline-handlers.ts';
import { registerIntakeHandlers } from './intake-handlers.ts';
import { registerBatchAdminHandlers } from './batch-admin-handlers.ts';
import { registerFirstRunHandlers } from './first-run-handlers.ts';
import { registerLibraryHandlers } from './library-handlers.ts';
import { registerPromptHandlers } from './prompt-handlers.ts';
import { registerMaintenanceHandlers } from './maintenance-handlers.ts';
import { registerDistributedHandlers } from './distributed-handlers.ts';
import { startPipelineRuntime } from '../../runtime/pipeline-runtime.ts';
import { createBatchFeed } from '../batch-feed.ts';
import { startHotFolderRuntime } from '../../runtime/hot-folder-runtime.ts';
import { startLifecycleRuntime } from '../../runtime/lifecycle-runtime.ts';

/**
 * Wires every capability's handlers into the registry (one file per area). With background on
 * (the app), the pipeline engine runs and picks up queued batches; tests may leave it off.
 */
export async function registerAllHandlers(s: AppServices, opts: { background: boolean; distributed?: { redisUrl: string; storeUrl: string } | null }): Promise<void> {
  registerAppHandlers(s);
  registerUploadHandlers(s);
  registerModelsHandlers(s);
  registerGpuHandlers(s);
  registerStyleWeightsHandlers(s);
  registerFirstRunHandlers(s);
  registerDnaHandlers(s);
  registerSecretsHandlers(s);
  registerExportHandlers(s);
  registerLibraryHandlers(s);
  registerPromptHandlers(s);
  registerMaintenanceHandlers(s);
  registerDistributedHandlers(s);
  const feed = createBatchFeed(s);
  const engine = await startPipelineRuntime(s, feed, { start: opts.background, distributed: opts.distributed ?? null });
  registerPipelineHandlers(s, engine, feed);
  registerBatchAdminHandlers(s, engine, feed);
  registerIntakeHandlers(s, engine);
  const hotFolder = opts.background ? startHotFolderRuntime(s, engine) : null;
  s.registry.handle('hotFolder.drops', () => hotFolder?.drops() ?? { watching: null, problem: 'the hot folder runs only in the app', drops: [] });
  if (opts.background && hotFolder) {
    s.onSettingsChanged(() => hotFolder.reconcile());
    await hotFolder.reconcile();
    startLifecycleRuntime(s);
  }
}
