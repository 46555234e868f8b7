/**
 * Inference worker entry (worker_threads). One long-lived set of ONNX sessions per worker,
 * loaded lazily and cached per pack folder. Runs one op at a time (sessions already use all
 * cores; interleaving would only thrash memory) and answers cancel messages between steps.
 */
import { resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { ClipPack } from './clip/clip-pack.ts';
import { readPack } from './onnx/read-pack.ts';
import { toWorkerErrorData, WorkerError, type FromWorker, type InferenceOp, type ToWorker, type WorkerInit } from './protocol.ts';
import { generate } from './sdxl/generate.ts';
import { countWordTokens, sdxlTokenizer } from './clip/count-tokens.ts';
import { SdxlPack } from './sdxl/sdxl-pack.ts';
import { smokeRun } from './sdxl/smoke-run.ts';
import { analyseImage } from './analysis/analyse-image.ts';
import { decodeImage } from './analysis/decode-image.ts';
import { detectProviders, ortVersion } from './onnx/providers.ts';
import { bakeLoras, LoraRefused } from '../models/lora/bake-loras.ts';
import { CheckpointRefused, importCheckpoint } from '../models/weights/import-checkpoint.ts';
import { UnknownLayoutError } from '../models/weights/locate-weights.ts';
import { installIpAdapter, IpAdapterRefused } from '../models/ip-adapter/install-ip-adapter.ts';
import { SafetensorsError } from '../models/safetensors/safetensors-header.ts';

const port = parentPort;
if (!port) throw new Error('inference.worker.ts must run inside a worker thread');
const init = workerData as WorkerInit;
const packs = new Map<string, Promise<SdxlPack | ClipPack>>();
const cancelled = new Set<number>();
let queue: Promise<void> = Promise.resolve();

const post = (msg: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer);

function loadPack(dir: string, kind: 'sdxl'): Promise<SdxlPack>;
function loadPack(dir: string, kind: 'clip'): Promise<ClipPack>;
function loadPack(dir: string, kind: 'sdxl' | 'clip'): Promise<SdxlPack | ClipPack> {
  const key = `${kind}:${resolve(dir)}`;
  let p = packs.get(key);
  if (!p) {
    const options = { providers: init.providers, ...(init.intraOpThreads ? { intraOpThreads: init.intraOpThreads } : {}) };
    p = kind === 'sdxl' ? readPack(dir, 'sdxl').then((m) => SdxlPack.load(dir, m, options)) : readPack(dir, 'clip').then((m) => ClipPack.load(dir, m, options));
    // A failed load is not cached: the user may fix the pack and retry.
    p.catch(() => packs.delete(key));
    packs.set(key, p);
  }
  return p;
}

async function run(seq: number, op: InferenceOp): Promise<{ result: unknown; transfer: ArrayBuffer[] }> {
  switch (op.kind) {
    case 'sdxl.generate': {
      const pack = await loadPack(op.packDir, 'sdxl');
      const result = await generate(pack, op.request, {
        isCancelled: () => cancelled.has(seq),
        onProgress: (progress) => post({ seq, type: 'progress', progress }),
      });
      return { result, transfer: [result.image.data.buffer as ArrayBuffer] };
    }
    case 'clip.info':
      return { result: (await loadPack(op.packDir, 'clip')).info, transfer: [] };
    case 'clip.embedTexts': {
      const rows = await (await loadPack(op.packDir, 'clip')).embedTexts(op.texts);
      return { result: rows, transfer: rows.map((r) => r.buffer as ArrayBuffer) };
    }
    case 'clip.embedImages': {
      const rows = await (await loadPack(op.packDir, 'clip')).embedImages(op.images);
      return { result: rows, transfer: rows.map((r) => r.buffer as ArrayBuffer) };
    }
    case 'analysis.analyse':
      return { result: analyseImage(op.image, op.k === undefined ? {} : { k: op.k }), transfer: [] };
    case 'image.decode': {
      const input = typeof op.input === 'string' ? op.input : Buffer.from(op.input.buffer, op.input.byteOffset, op.input.byteLength);
      // Copied, not transferred: sharp's output may be a view on a shared buffer.
      return { result: await decodeImage(input, op.options), transfer: [] };
    }
    case 'providers.detect': {
      const statuses = await detectProviders({ ...(op.only ? { only: op.only } : {}), ...(op.probeTimeoutMs ? { probeTimeoutMs: op.probeTimeoutMs } : {}) });
      return { result: { statuses, ortVersion: ortVersion() }, transfer: [] };
    }
    case 'doctor.smoke':
      return { result: await smokeRun(op.packDir, op.provider), transfer: [] };
    case 'text.countTokens':
      return { result: countWordTokens(await sdxlTokenizer(op.packDir), op.text), transfer: [] };
    case 'pack.unload': {
      let unloaded = false;
      for (const kind of ['sdxl', 'clip']) {
        const key = `${kind}:${resolve(op.packDir)}`;
        const p = packs.get(key);
        if (!p) continue;
        packs.delete(key);
        await (await p).release();
        unloaded = true;
      }
      return { result: { unloaded }, transfer: [] };
    }
    case 'weights.bakeLoras':
    case 'weights.importCheckpoint':
    case 'weights.installIpAdapter': {
      const onBytes = bytesReporter(seq);
      try {
        const result =
          op.kind === 'weights.bakeLoras'
            ? await bakeLoras({ ...op.options, onBytes: onBytes.add })
            : op.kind === 'weights.importCheckpoint'
              ? await importCheckpoint({ ...op.options, onBytes: onBytes.add })
              : await installIpAdapter({ ...op.options, onBytes: onBytes.add });
        return { result, transfer: [] };
      } catch (err) {
        // The caller's refusals become BadInput with the same sentence (the classes do not cross threads).
        if (err instanceof LoraRefused || err instanceof CheckpointRefused || err instanceof UnknownLayoutError || err instanceof SafetensorsError || err instanceof IpAdapterRefused) throw new WorkerError('BadInput', err.message, { refusal: err.name });
        throw err;
      } finally {
        onBytes.flush();
      }
    }
    case 'debug.crash':
      process.exit(70);
      break;
    default:
      throw new WorkerError('BadInput', `unknown op ${(op as { kind: string }).kind}`);
  }
  throw new WorkerError('Internal', 'unreachable');
}

/** Batches per-tensor byte counts into at most ~20 messages a second. */
function bytesReporter(seq: number): { add: (n: number) => void; flush: () => void } {
  let bytes = 0;
  let last = 0;
  const flush = (): void => {
    if (bytes > 0) post({ seq, type: 'bytes', bytes });
    bytes = 0;
    last = Date.now();
  };
  return {
    add: (n) => {
      bytes += n;
      if (Date.now() - last >= 50) flush();
    },
    flush,
  };
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    cancelled.add(msg.seq);
    return;
  }
  const { seq, op } = msg;
  if (op.kind === 'text.countTokens') {
    // Typing in the prompt editor must not wait behind a minutes-long generation: counting only
    // reads the tokenizer files, so it runs between the generation's awaited steps.
    void run(seq, op).then(
      ({ result }) => post({ seq, type: 'reply', ok: true, result }),
      (err: unknown) => post({ seq, type: 'reply', ok: false, error: toWorkerErrorData(err) }),
    );
    return;
  }
  queue = queue.then(async () => {
    try {
      if (cancelled.has(seq)) throw new WorkerError('Cancelled', 'cancelled before it started');
      const { result, transfer } = await run(seq, op);
      post({ seq, type: 'reply', ok: true, result }, transfer);
    } catch (err) {
      post({ seq, type: 'reply', ok: false, error: toWorkerErrorData(err) });
    } finally {
      cancelled.delete(seq);
    }
  });
});
