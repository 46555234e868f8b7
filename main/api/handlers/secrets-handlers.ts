import type { AppServices } from '../app-services.ts';
import { AppError } from '../../core/app-error.ts';
import { checkClaudeKey } from '../../llm/check-claude-key.ts';
import { loadSettings } from '../../settings/app-settings.ts';
import { s3ConfigForCheck } from '../../settings/s3-settings.ts';
import { checkS3Access } from '../../library/sync/check-s3-access.ts';

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
    const secret = secretAccessKey.trim();
    if (secret === '') {
      await s.secrets.s3.clear();
      return { stored: false, check: null };
    }
    // Checked like the Claude key: a secret S3 refuses is not stored. With no bucket or key ID
    // saved yet there is nothing to test against, so it is stored and "Test connection" checks it later.
    const config = await s3ConfigForCheck(s, secret).catch(() => null);
    const check = config ? await checkS3Access(config) : null;
    if (check?.outcome === 'denied') throw new AppError('BadInput', check.message);
    await s.secrets.s3.set(secret);
    return { stored: true, check };
  });
  s.registry.handle('secrets.checkS3', async () => checkS3Access(await s3ConfigForCheck(s)));
}
