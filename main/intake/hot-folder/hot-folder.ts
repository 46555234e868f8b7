import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { watch, type FSWatcher } from 'chokidar';
import { AppError } from '../../core/app-error.ts';
import { parseBatchConfig, type BatchConfig } from '../config/batch-config.ts';
import { SDXL_LIMITS, type PackLimits } from '../config/pack-limits.ts';
import { readCsvFile } from '../csv/parse-csv.ts';
import type { CsvParseResult } from '../csv/types.ts';
import { loadReferenceDir, type LoadedReference } from '../references/load-references.ts';
import { readSidecar, type HotFolderSidecar } from './sidecar.ts';
import { exists, waitForStableFolder } from './settle.ts';

/** Everything a batch needs, already parsed and checked; files may be moved once this resolves. */
export interface HotFolderBatchRequest {
  name: string;
  csvFile: string;
  csv: CsvParseResult;
  /** Decoded references from `name/` (empty when the sidecar names a saved profile). */
  references: LoadedReference[];
  profileId: string | null;
  template: string | null;
  config: BatchConfig;
  warnings: string[];
  source: 'hot-folder';
}

export type HotFolderEvent =
  | { type: 'started'; name: string; batchId: string | null; movedTo: string }
  | { type: 'failed'; name: string; error: string; movedTo: string };

export interface HotFolderOptions {
  folder: string;
  startBatch(request: HotFolderBatchRequest): Promise<{ batchId: string } | void>;
  /** How long a file/folder must stay unchanged before it is read (default 2000 ms). */
  stabilityMs?: number;
  pollMs?: number;
  /** How long to wait for `name/` or `name.json` after `name.csv` arrives (default 4 × stabilityMs). */
  siblingWaitMs?: number;
  limits?: PackLimits;
  /**
   * The installed pack a drop runs on (the sidecar's `pack`, else the default installed one)
   * and its limits, asked per drop so packs installed after the watcher started count.
   */
  resolvePack?(packId: string | null): { id: string; limits: PackLimits };
  onEvent?(event: HotFolderEvent): void;
}

export interface HotFolder {
  readonly folder: string;
  /** Resolves when all work queued so far is finished (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export const DONE_DIR = 'done';
export const FAILED_DIR = 'failed';

/**
 * Watches a folder: dropping `name.csv` with a `name/` folder of references (or a
 * `name.json` sidecar naming a saved profile) starts a batch through `startBatch`; an optional
 * `name.template.txt` is the prompt template (the README example drops as it is). Files are
 * read only after their size is stable, then moved to done/ or failed/ (with
 * `name.error.txt` saying why), so nothing is processed twice. Batches start one at a time.
 */
export async function startHotFolder(options: HotFolderOptions): Promise<HotFolder> {
  const folder = options.folder;
  const stabilityMs = options.stabilityMs ?? 2000;
  const pollMs = options.pollMs ?? Math.max(50, Math.floor(stabilityMs / 4));
  const siblingWaitMs = options.siblingWaitMs ?? stabilityMs * 4;
  const limits = options.limits ?? SDXL_LIMITS;
  await mkdir(join(folder, DONE_DIR), { recursive: true });
  await mkdir(join(folder, FAILED_DIR), { recursive: true });

  const abort = new AbortController();
  const inFlight = new Set<string>();
  let chain: Promise<void> = Promise.resolve();

  const isOwnFolder = (p: string) => {
    const rel = relative(folder, p);
    const top = rel.split(sep)[0];
    return top === DONE_DIR || top === FAILED_DIR;
  };
  const watcher: FSWatcher = watch(folder, {
    depth: 0,
    ignoreInitial: false, // CSVs dropped while the app was closed are picked up at start
    // Our own done/failed folders, dot files and Excel lock files (~$name.csv) are never work.
    ignored: (p: string) => p !== folder && (isOwnFolder(p) || /^(\.|~\$)/.test(basename(p))),
    awaitWriteFinish: { stabilityThreshold: stabilityMs, pollInterval: pollMs },
  });
  watcher.on('add', (path: string) => {
    if (dirname(path) !== folder || extname(path).toLowerCase() !== '.csv' || inFlight.has(path)) return;
    inFlight.add(path);
    chain = chain.then(() => handle(path).finally(() => inFlight.delete(path)));
  });
  await new Promise<void>((resolve, reject) => {
    watcher.once('ready', resolve);
    watcher.once('error', reject);
  });

  async function handle(csvFile: string): Promise<void> {
    const name = basename(csvFile, extname(csvFile));
    const refsDir = join(folder, name);
    const sidecarFile = join(folder, `${name}.json`);
    try {
      // The CSV may land before its references: wait for a sibling to show up.
      const deadline = Date.now() + siblingWaitMs;
      while (!(await exists(refsDir)) && !(await exists(sidecarFile)) && Date.now() < deadline) {
        await sleep(pollMs, undefined, { signal: abort.signal });
      }
      if ((await exists(refsDir)) === 'dir') await waitForStableFolder(refsDir, stabilityMs, pollMs, abort.signal);
      const request = await prepare(name, csvFile, refsDir, sidecarFile);
      const started = await options.startBatch(request);
      const { dir: movedTo, base } = await moveAll(name, csvFile, refsDir, sidecarFile, DONE_DIR);
      if (request.warnings.length > 0) await writeFile(join(movedTo, `${base}.warnings.txt`), `${request.warnings.join('\n')}\n`);
      options.onEvent?.({ type: 'started', name, batchId: started ? started.batchId : null, movedTo });
    } catch (err) {
      if (abort.signal.aborted) return;
      const message = err instanceof Error ? err.message : String(err);
      const { dir: movedTo, base } = await moveAll(name, csvFile, refsDir, sidecarFile, FAILED_DIR).catch(() => ({ dir: join(folder, FAILED_DIR), base: name }));
      await writeFile(join(movedTo, `${base}.error.txt`), `${name}.csv could not start a batch:\n${message}\n`).catch(() => undefined);
      options.onEvent?.({ type: 'failed', name, error: message, movedTo });
    }
  }

  async function prepare(name: string, csvFile: string, refsDir: string, sidecarFile: string): Promise<HotFolderBatchRequest> {
    const sidecar: HotFolderSidecar = (await exists(sidecarFile)) === 'file' ? await readSidecar(sidecarFile) : {};
    const hasRefs = (await exists(refsDir)) === 'dir';
    if (!hasRefs && !sidecar.profileId) {
      throw new AppError(
        'BadInput',
        `no style references: put 1–5 reference images in a folder named '${name}/' next to ${name}.csv, or add ${name}.json with {"profileId": "<saved profile id>"}`,
      );
    }
    const wantedPack = sidecar.pack ?? (typeof sidecar.config?.['packId'] === 'string' ? sidecar.config['packId'] : null);
    const pack = options.resolvePack ? options.resolvePack(wantedPack) : null;
    const config = parseBatchConfig(
      {
        ...sidecar.config,
        ...(pack ? { packId: pack.id } : wantedPack ? { packId: wantedPack } : {}),
        ...(sidecar.thresholds ? { thresholds: { ...(sidecar.config?.['thresholds'] as object | undefined), ...sidecar.thresholds } } : {}),
      },
      pack?.limits ?? limits,
    );
    const templateFile = join(folder, `${name}.template.txt`);
    const template = sidecar.template ?? ((await exists(templateFile)) === 'file' ? (await readFile(templateFile, 'utf8')).trim() || null : null);
    const csv = await readCsvFile(csvFile, { usesTemplate: Boolean(template), ...(sidecar.promptColumn ? { promptColumn: sidecar.promptColumn } : {}) });
    if (csv.rows.length === 0) {
      throw new AppError('BadInput', `${name}.csv has no usable rows:\n${csv.errors.map((e) => `  ${e.message}`).join('\n')}`);
    }
    const warnings = [...csv.errors.map((e) => `skipped: ${e.message}`), ...csv.warnings.map((w) => w.message)];
    let references: LoadedReference[] = [];
    if (hasRefs && !sidecar.profileId) {
      const refs = await loadReferenceDir(refsDir);
      if (refs.references.length === 0) {
        throw new AppError('BadInput', `no usable reference image in ${name}/:\n${refs.errors.map((e) => `  ${e.message}`).join('\n')}`);
      }
      references = refs.references;
      warnings.push(...refs.errors.map((e) => `reference skipped: ${e.message}`), ...refs.warnings.map((w) => w.message));
    }
    return { name: sidecar.name ?? name, csvFile, csv, references, profileId: sidecar.profileId ?? null, template, config, warnings, source: 'hot-folder' };
  }

  /** Moves name.csv, name.json and name/ into done|failed, suffixing on collision. */
  async function moveAll(name: string, csvFile: string, refsDir: string, sidecarFile: string, target: string): Promise<{ dir: string; base: string }> {
    const dir = join(folder, target);
    const stamp = (await exists(join(dir, `${name}.csv`))) ? `-${new Date().toISOString().replace(/[:.]/g, '-')}` : '';
    for (const [from, to] of [
      [csvFile, `${name}${stamp}.csv`],
      [sidecarFile, `${name}${stamp}.json`],
      [join(folder, `${name}.template.txt`), `${name}${stamp}.template.txt`],
      [refsDir, `${name}${stamp}`],
    ] as const) {
      if (await exists(from)) await rename(from, join(dir, to));
    }
    return { dir, base: `${name}${stamp}` };
  }

  return {
    folder,
    idle: async () => {
      // New work may be chained while we wait; loop until the chain is quiet.
      let seen: Promise<void> | null = null;
      while (seen !== chain) {
        seen = chain;
        await chain;
      }
    },
    close: async () => {
      abort.abort();
      await watcher.close();
      await chain.catch(() => undefined);
    },
  };
}
