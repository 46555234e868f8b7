import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../main/cli/command.ts';
import { modelsCommand } from '../../../main/cli/commands/models.ts';
import { loadCatalog } from '../../../models/catalog.ts';
import { partPath } from '../../../models/downloader/index.ts';
import { startPackServer, type PackServer } from './pack-server.ts';
import { tinyCatalogPack, tinyPackFiles } from './tiny-catalog-pack.ts';

let root: string;
let server: PackServer;

function fakeIo(opts: { tty?: boolean; signal?: AbortSignal } = {}): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  if (opts.tty) {
    stdout.isTTY = true;
    stdout.columns = 100;
  }
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => (o += c.toString()));
  stderr.on('data', (c: Buffer) => (e += c.toString()));
  return { io: { stdout, stderr, cwd: root, env: {}, signal: opts.signal ?? new AbortController().signal }, out: () => o, err: () => e };
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'assetql-models-cli-'));
  server = await startPackServer(tinyPackFiles());
  const catalog = { format: 'assetql-catalog/1', packs: [tinyCatalogPack(server.url, server.files)] };
  writeFileSync(join(root, 'catalog.json'), JSON.stringify(catalog));
});
afterEach(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

const data = (): string[] => ['--data-dir', join(root, 'data')];

describe('assetql models', () => {
  it('list shows the real catalog with sizes and installed state', async () => {
    const { io, out } = fakeIo();
    expect(await modelsCommand.run(['list', '--json', ...data()], io)).toBe(0);
    const json = JSON.parse(out()) as { packs: { id: string; state: string; downloadBytes: number }[] };
    expect(json.packs.map((p) => p.id)).toEqual(loadCatalog().packs.map((p) => p.id));
    expect(json.packs.every((p) => p.state === 'not installed' && p.downloadBytes > 0)).toBe(true);
    expect(json.packs.find((p) => p.id === 'sdxl-base-1.0-portable-fp16')).toMatchObject({ downloadable: false, buildFrom: 'sdxl-base-1.0-fp32', providers: ['cuda', 'dml', 'coreml', 'webgpu'] });
    const human = fakeIo();
    expect(await modelsCommand.run(['list', ...data()], human.io)).toBe(0);
    expect(human.out()).toMatch(/sdxl-base-1\.0-cuda-fp16\s+sdxl\s+~\d/);
    expect(human.out()).toMatch(/sdxl-base-1\.0-portable-fp16 .*\[build: assetql models convert --fp16 sdxl-base-1\.0-fp32\]/);
  });

  it('download installs a pack with line progress on non-TTY, then list and verify see it', async () => {
    const dl = fakeIo();
    expect(await modelsCommand.run(['download', 'tiny-clip', '--catalog', 'catalog.json', ...data()], dl.io)).toBe(0);
    expect(dl.out()).toMatch(/100\.0%/);
    expect(dl.out()).not.toContain('\r');
    const dir = join(root, 'data', 'models', 'tiny-clip');
    expect(existsSync(join(dir, 'manifest.json'))).toBe(true);

    const ls = fakeIo();
    await modelsCommand.run(['list', '--json', '--catalog', 'catalog.json', ...data()], ls.io);
    expect((JSON.parse(ls.out()) as { packs: { state: string; dir: string }[] }).packs[0]).toMatchObject({ state: 'ok', dir });

    const v = fakeIo();
    expect(await modelsCommand.run(['verify', 'tiny-clip', ...data()], v.io)).toBe(0);
    expect(v.out()).toContain('✔ onnx/text_model.onnx: ok');
    writeFileSync(join(dir, 'vocab.json'), 'tampered');
    const v2 = fakeIo();
    expect(await modelsCommand.run(['verify', 'tiny-clip', '--json', ...data()], v2.io)).toBe(1);
    const res = JSON.parse(v2.out()) as { ok: boolean; packs: { files: { file: string; ok: boolean }[] }[] };
    expect(res.packs[0]?.files.find((f) => f.file === 'vocab.json')?.ok).toBe(false);
  });

  it('draws a progress bar on a TTY', async () => {
    const dl = fakeIo({ tty: true });
    expect(await modelsCommand.run(['download', 'tiny-clip', '--catalog', 'catalog.json', ...data()], dl.io)).toBe(0);
    expect(dl.out()).toMatch(/\r\[#+\] +100\.0%/);
  });

  it('Ctrl-C cancels, keeps the .part file, and the next download resumes it', async () => {
    server.behaviour.slowChunk = 4_000;
    server.behaviour.slowDelayMs = 20;
    const ac = new AbortController();
    const dl = fakeIo({ signal: ac.signal });
    // Cancel once bytes are flowing (opening the data folder takes a variable time first).
    const poll = setInterval(() => {
      if (server.requests.length > 0) {
        clearInterval(poll);
        setTimeout(() => ac.abort(), 60);
      }
    }, 10);
    expect(await modelsCommand.run(['download', 'tiny-clip', '--catalog', 'catalog.json', ...data()], dl.io)).toBe(130);
    expect(dl.err()).toMatch(/partial files were kept/);
    const dest = join(root, 'data', 'models', 'tiny-clip', 'onnx', 'text_model.onnx');
    expect(statSync(partPath(dest)).size).toBeGreaterThan(0);
    server.behaviour.slowChunk = undefined;
    const again = fakeIo();
    expect(await modelsCommand.run(['download', 'tiny-clip', '--catalog', 'catalog.json', ...data()], again.io)).toBe(0);
    expect(server.requests.some((r) => r.range !== undefined && r.status === 206)).toBe(true);
    expect(readFileSync(dest).equals(server.files.get('onnx/text_model.onnx')!.body)).toBe(true);
  });

  it('create-test-pack writes labelled random-weight packs that locate accepts', async () => {
    const c = fakeIo();
    expect(await modelsCommand.run(['create-test-pack', 'packs', '--kind', 'all'], c.io)).toBe(0);
    expect(c.out()).toMatch(/RANDOM WEIGHTS/);
    expect(c.out()).toMatch(/images are noise/);
    const manifest = JSON.parse(readFileSync(join(root, 'packs', 'test-sdxl', 'manifest.json'), 'utf8')) as { testPack: boolean };
    expect(manifest.testPack).toBe(true);
    const loc = fakeIo();
    expect(await modelsCommand.run(['locate', 'test-sdxl', 'packs/test-sdxl', ...data()], loc.io)).toBe(0);
    expect(loc.out()).toMatch(/Registered test-sdxl .*random weights/);
    const ls = fakeIo();
    await modelsCommand.run(['list', '--json', ...data()], ls.io);
    expect((JSON.parse(ls.out()) as { other: { id: string; testPack: boolean }[] }).other).toEqual([expect.objectContaining({ id: 'test-sdxl', testPack: true })]);
    const again = fakeIo();
    expect(await modelsCommand.run(['create-test-pack', 'packs/test-sdxl', '--kind', 'sdxl'], again.io)).toBe(1);
    expect(again.err()).toMatch(/already holds a pack/);
  });

  it('clear errors: unknown pack, bad kind, missing args, non-downloadable pack', async () => {
    const a = fakeIo();
    expect(await modelsCommand.run(['download', 'nope', ...data()], a.io)).toBe(1);
    expect(a.err()).toMatch(/NotFound: unknown model pack "nope"/);
    const b = fakeIo();
    expect(await modelsCommand.run(['create-test-pack', 'x', '--kind', 'sd15'], b.io)).toBe(2);
    expect(b.err()).toMatch(/--kind must be sdxl, clip or all/);
    const c = fakeIo();
    expect(await modelsCommand.run(['locate', 'only-id', ...data()], c.io)).toBe(2);
    expect(c.err()).toMatch(/missing folder/);
    const d = fakeIo();
    expect(await modelsCommand.run(['download', 'ip-adapter-sdxl', ...data()], d.io)).toBe(1);
    expect(d.err()).toMatch(/Unavailable: pack ip-adapter-sdxl has no complete public download/);
  });
});
