import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, assert, type E2eSpec } from './harness.ts';

const run = promisify(execFile);

/** The README's "Try the whole flow" commands, exactly as printed (line continuations joined). */
export function readmeQuickStartCommands(readme: string): string[] {
  const at = readme.indexOf('Try the whole flow');
  const block = /```bash\n([\s\S]*?)```/.exec(readme.slice(at));
  if (at < 0 || !block?.[1]) throw new Error('README: the "Try the whole flow" bash block is missing');
  return block[1]
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('npx assetql '));
}

/**
 * Issue 12 bullet 1: the README's CLI quick start, run as written from an empty data folder
 * (ASSETQL_DATA_DIR) in an empty working folder (resources/ linked in), must succeed and leave
 * a library with something in it and one ZIP in ./export.
 */
export const specs: E2eSpec[] = [
  {
    name: 'README CLI quick start from an empty data folder',
    async run(ctx) {
      const commands = readmeQuickStartCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));
      assert(commands.length >= 4, `expected the four quick-start commands, found ${commands.length}`);
      const cwd = mkdtempSync(join(tmpdir(), 'assetql-readme-'));
      const dataDir = mkdtempSync(join(tmpdir(), 'assetql-readme-data-'));
      symlinkSync(join(ROOT, 'resources'), join(cwd, 'resources'));
      try {
        for (const cmd of commands) {
          // "npx assetql a b" → node bin/assetql.mjs a b (no shell: the README's args have no quoting beyond "…").
          const args = [...cmd.slice('npx assetql '.length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
          const started = Date.now();
          const { stdout } = await run(process.execPath, [join(ROOT, 'bin/assetql.mjs'), ...args], { cwd, env: { ...process.env, ASSETQL_DATA_DIR: dataDir }, maxBuffer: 32 * 1024 * 1024, timeout: 600_000 });
          ctx.log(`${cmd.slice(0, 70)}… ok in ${Date.now() - started} ms`);
          if (args[0] === 'search') assert(stdout.trim().length > 0, 'search printed nothing');
        }
        const zips = readdirSync(join(cwd, 'export'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.zip'));
        assert(zips.length === 1, `expected one ZIP in ./export, found ${JSON.stringify(zips)}`);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  },
];
