import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/main.ts';

describe('assetql serve on a busy port', () => {
  it('exits non-zero with a clear message before opening the database or the data folder', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as AddressInfo).port;
    const dataDir = join(mkdtempSync(join(tmpdir(), 'aq-busy-')), 'data');
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d) => (err += d));
    try {
      const code = await main(['serve', '--port', String(port), '--data-dir', dataDir], { stdout: new PassThrough(), stderr, signal: new AbortController().signal });
      expect(code).not.toBe(0);
      expect(err).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*--port`));
      // Nothing was opened: no data folder, so no database, lock or hot-folder watch.
      expect(existsSync(dataDir) ? readdirSync(dataDir) : []).toEqual([]);
    } finally {
      blocker.close();
    }
  });
});
