import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
export const VIEWPORT = { width: 1280, height: 800 };
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface ServerHandle {
  url: string;
  dataDir: string;
  /** Stops the server (SIGINT, then SIGKILL) and removes its data folder unless keepData. */
  stop(): Promise<void>;
  /** Kills the process at once (a crash): no cleanup, the data folder stays. */
  kill(): Promise<void>;
}

export interface ServerOptions {
  /** Reuse a data folder (a restart); default: a fresh temp folder. */
  dataDir?: string;
  /** Listen on this port (a restart on the same address); default 0 (random). */
  port?: number;
  /** A fixed token (ASSETQL_SERVE_TOKEN), so a page survives a restart. */
  token?: string;
  /** Leave the data folder on stop (the caller removes it). */
  keepData?: boolean;
}

/**
 * Starts `assetql serve --json` on a fresh data folder (or on a given one: a string is a folder
 * a spec seeded, removed on stop too) and reads its URL from the JSON line.
 */
export async function startServer(options: ServerOptions | string = {}): Promise<ServerHandle> {
  const opts: ServerOptions = typeof options === 'string' ? { dataDir: options } : options;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'assetql-e2e-'));
  const env = { ...process.env, ...(opts.token ? { ASSETQL_SERVE_TOKEN: opts.token } : {}) };
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin/assetql.mjs'), 'serve', '--data-dir', dataDir, '--port', String(opts.port ?? 0), '--json'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // A spec that starts its own server and fails (or is filtered out before its cleanup) must
  // not leave the server running after the suite. Removed once the server is gone, so a suite
  // of 30 servers does not pile up listeners (Node warned of a leak past 10).
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`assetql serve did not print its URL within 60 s\n${stderr}`)), 60_000);
    child.once('exit', (code) => fail(new Error(`assetql serve exited with ${code}\n${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { url?: string };
        if (msg.url) {
          clearTimeout(timer);
          done(msg.url);
        }
      } catch {
        // not the JSON line (a log line): keep reading
      }
    });
  });
  return {
    url,
    dataDir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}. Install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
}

/** A page that records every console error and uncaught page error (the suite fails on any). */
export interface WatchedPage { page: Page; errors: string[] }

export async function openPage(browser: Browser, url: string, viewport = VIEWPORT): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    // Aborted loads are normal (an image scrolled out or a screen switched); real failures are not.
    const why = req.failure()?.errorText ?? '';
    if (!why.includes('ERR_ABORTED')) errors.push(`request failed: ${req.url()} ${why}`);
  });
  await page.goto(url);
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

export interface E2eContext {
  browser: Browser;
  server: ServerHandle;
  /** Opens the app (extra query like '&e2e=1', hash like '#/batches'). */
  open(query?: string, hash?: string): Promise<WatchedPage>;
  log(line: string): void;
}

export interface E2eSpec {
  name: string;
  run(ctx: E2eContext): Promise<void>;
  /** Longest the spec may take (default SPEC_TIMEOUT_MS): a hang fails it by name instead of stalling the suite. */
  timeoutMs?: number;
}

/** 5 minutes: the slowest spec takes about 36 s on the 2-core CI machine. */
export const SPEC_TIMEOUT_MS = 5 * 60_000;

/**
 * Waits for the outcome toast of an action and fails with its text when it reports a failure
 * (e.g. "Create test packs failed — not available in this build yet"), instead of timing out.
 */
export async function expectOkToast(page: Page, contains: string, timeout = 60_000): Promise<string> {
  const toast = page.locator(`[data-testid="toast"].tone-ok:has-text("${contains}"), [data-testid="toast"].tone-bad`).first();
  await toast.waitFor({ timeout });
  // Without the dismiss button's "✕", which in a CI log reads like a failed test.
  const text = (await toast.innerText()).replace(/\s*✕\s*$/, '');
  const cls = (await toast.getAttribute('class')) ?? '';
  if (cls.includes('tone-bad')) throw new Error(`action failed in the UI: ${text}`);
  return text;
}
