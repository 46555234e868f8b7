import type { AppServices } from '../app-services.ts';
import { registerAppHandlers } from './app-handlers.ts';
import { registerUploadHandlers } from './upload-handlers.ts';
import { registerModelsHandlers } from './models-handlers.ts';
import { registerDnaHandlers } from './dna-handlers.ts';
import { registerSecretsHandlers } from './secrets-handlers.ts';
import { registerExportHandlers } from './export-handlers.ts';

/** Wires every capability's handlers into the registry (one file per area). */
export async function registerAllHandlers(s: AppServices, _opts: { background: boolean }): Promise<void> {
  registerAppHandlers(s);
  registerUploadHandlers(s);
  registerModelsHandlers(s);
  registerDnaHandlers(s);
  registerSecretsHandlers(s);
  registerExportHandlers(s);
}
