import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileKeyStore } from '../../../main/llm/file-key-store.ts';

const root = mkdtempSync(join(tmpdir(), 'aq-keys-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.runIf(process.platform !== 'win32')('file key store', () => {
  it('writes the key with 0600 in a 0700 secrets folder and reads it back', async () => {
    const store = createFileKeyStore(root);
    expect(await store.get()).toBeNull();
    await store.set('  sk-ant-test-123\n');
    const file = join(root, 'secrets', 'anthropic.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'secrets')).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toBe('sk-ant-test-123');
    expect(await store.get()).toBe('sk-ant-test-123');
    expect(store.description).toContain(file);
  });

  it('refuses a key file readable by others, and rejects pasted junk', async () => {
    const store = createFileKeyStore(root);
    await store.set('sk-ant-abc');
    chmodSync(join(root, 'secrets', 'anthropic.key'), 0o644);
    await expect(store.get()).rejects.toThrow(/readable by other users \(mode 644\); run: chmod 600/);
    await expect(store.set('sk ant')).rejects.toThrow(/spaces or quotes/);
    await expect(store.set('   ')).rejects.toThrow(/empty/);
    await store.set('sk-ant-new'); // re-setting fixes the mode
    expect(await store.get()).toBe('sk-ant-new');
    await store.clear();
    expect(await store.get()).toBeNull();
  });
});
