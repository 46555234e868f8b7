import type { AppServices } from '../app-services.ts';
import { AppError } from '../../core/app-error.ts';
import { checkClaudeKey } from '../../llm/check-claude-key.ts';
import { loadSettings } from '../../settings/app-settings.ts';

/** Secrets are write-only through the API: the renderer can set or clear them, never read them. */
export function registerSecretsHandlers(s: AppServices): void {
  s.registry.handle('secrets.status', async () => ({
    claude: (await s.secrets.claude.get().catch(() => null)) !== null,
    s3: (await s.secrets.s3.get().catch(() => null)) !== null,
    storage: s.secrets.storage,
  }));
  s.registry.handle('secrets.setClaudeKey', async ({ key }) => {
    const k = key.trim();
    if (k === '') {
      await s.secrets.claude.clear();
      return { stored: false, check: null };
    }
    // Checked with a test call before it is kept: a refused key is not stored.
    const baseURL = process.env['ASSETQL_ANTHROPIC_BASE_URL'];
    const check = await checkClaudeKey(k, { model: loadSettings(s.app.db).claude.model, ...(baseURL ? { baseURL } : {}) });
    if (!check.ok && check.reachable) throw new AppError('BadInput', check.message);
    await s.secrets.claude.set(k);
    return { stored: true, check };
  });
  s.registry.handle('secrets.setS3Secret', async ({ secretAccessKey }) => {
    if (secretAccessKey.trim() === '') await s.secrets.s3.clear();
    else await s.secrets.s3.set(secretAccessKey);
    return { stored: secretAccessKey.trim() !== '' };
  });
}
