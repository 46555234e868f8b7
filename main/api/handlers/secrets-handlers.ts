import type { AppServices } from '../app-services.ts';

/** Secrets are write-only through the API: the renderer can set or clear them, never read them. */
export function registerSecretsHandlers(s: AppServices): void {
  s.registry.handle('secrets.status', async () => ({
    claude: (await s.secrets.claude.get().catch(() => null)) !== null,
    s3: (await s.secrets.s3.get().catch(() => null)) !== null,
    storage: s.secrets.storage,
  }));
  s.registry.handle('secrets.setClaudeKey', async ({ key }) => {
    if (key.trim() === '') await s.secrets.claude.clear();
    else await s.secrets.claude.set(key);
    return { stored: key.trim() !== '' };
  });
  s.registry.handle('secrets.setS3Secret', async ({ secretAccessKey }) => {
    if (secretAccessKey.trim() === '') await s.secrets.s3.clear();
    else await s.secrets.s3.set(secretAccessKey);
    return { stored: secretAccessKey.trim() !== '' };
  });
}
