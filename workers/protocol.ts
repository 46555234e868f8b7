/**
 * Messages between the main process (main/inference/worker-pool.ts) and inference workers
 * (workers/inference.worker.ts). A tagged union with a sequence number: every `run` gets
 * exactly one `reply` with the same seq, possibly preceded by `progress` messages; `cancel`
 * names the seq to stop. Errors travel as data with a kind so the pipeline can decide what
 * to retry. Types only plus the error class, so both sides import it cheaply.
 */
import type { RgbImage } from './image/rgb-image.ts';
import type { ClipInfo } from './clip/clip-pack.ts';
import type { TokenCountResult } from './clip/count-tokens.ts';
import type { SdxlGenerateRequest, SdxlGenerateResult, SdxlProgress } from './sdxl/generate-types.ts';
import type { ImageAnalysis } from './analysis/types.ts';
import type { DecodedImage, DecodeOptions } from './analysis/decode-image.ts';
import type { ProviderName, ProviderStatus } from './onnx/provider-types.ts';
import type { SmokeResult } from './sdxl/smoke-types.ts';
import type { BakeOptions, BakeReport } from '../models/lora/bake-loras.ts';
import type { ImportOptions, ImportReport } from '../models/weights/import-checkpoint.ts';
import type { IpAdapterInstallOptions, IpAdapterInstallReport } from '../models/ip-adapter/install-ip-adapter.ts';

/** The subset of main/core's ErrorKind a worker produces (workers may not import main/). */
export const WORKER_ERROR_KINDS = ['BadInput', 'ModelMissing', 'OutOfMemory', 'Inference', 'Cancelled', 'Internal'] as const;
export type WorkerErrorKind = (typeof WORKER_ERROR_KINDS)[number];

export interface WorkerErrorData {
  kind: WorkerErrorKind;
  message: string;
  detail?: Record<string, unknown>;
}

/** Thrown inside workers; same shape as main's AppError so toErrorData() maps it 1:1. */
export class WorkerError extends Error {
  constructor(
    readonly kind: WorkerErrorKind,
    message: string,
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
    this.name = `WorkerError(${kind})`;
  }

  toData(): WorkerErrorData {
    return this.detail ? { kind: this.kind, message: this.message, detail: this.detail } : { kind: this.kind, message: this.message };
  }
}

export function toWorkerErrorData(err: unknown): WorkerErrorData {
  if (err instanceof WorkerError) return err.toData();
  return { kind: 'Internal', message: err instanceof Error ? err.message : String(err) };
}

/** Every operation a worker runs, with its arguments. */
export type InferenceOp =
  | { kind: 'sdxl.generate'; packDir: string; request: SdxlGenerateRequest }
  | { kind: 'clip.info'; packDir: string }
  | { kind: 'clip.embedTexts'; packDir: string; texts: string[] }
  | { kind: 'clip.embedImages'; packDir: string; images: RgbImage[] }
  /** Brand-DNA analysis of one image (palette, lighting, composition, texture): the pixel loops. */
  | { kind: 'analysis.analyse'; image: RgbImage; k?: number }
  /** File path or encoded bytes → 8-bit sRGB pixels, size-checked before decoding. */
  | { kind: 'image.decode'; input: string | Uint8Array; options?: DecodeOptions }
  /** Which execution providers really run here (each probed with a real session), and ORT's version. */
  | { kind: 'providers.detect'; only?: ProviderName[]; probeTimeoutMs?: number }
  /** `assetql doctor`'s timed end-to-end run of a tiny SDXL pack on one provider. */
  | { kind: 'doctor.smoke'; packDir: string; provider: ProviderName }
  /** Tokens of a prompt with an SDXL pack's tokenizer (answered at once, not queued behind generation). */
  | { kind: 'text.countTokens'; packDir: string; text: string }
  /** Releases a pack's sessions in this worker (e.g. before loading a larger one). */
  | { kind: 'pack.unload'; packDir: string }
  /**
   * LoRAs baked into a pack variant / a checkpoint's weights written onto a base pack's graphs:
   * gigabytes streamed and the low-rank maths, so never on the main thread. Bytes written are
   * reported with `bytes` messages.
   */
  | { kind: 'weights.bakeLoras'; options: Omit<BakeOptions, 'onBytes'> }
  | { kind: 'weights.importCheckpoint'; options: Omit<ImportOptions, 'onBytes'> }
  /** An IP-Adapter's decoupled cross-attention grafted onto a base pack (graph surgery, the UNet rewritten). */
  | { kind: 'weights.installIpAdapter'; options: Omit<IpAdapterInstallOptions, 'onBytes'> }
  /** Ends the worker thread abruptly; lets tests prove crash recovery on a real thread. */
  | { kind: 'debug.crash' };

export type OpKind = InferenceOp['kind'];
export type OpOf<K extends OpKind> = Extract<InferenceOp, { kind: K }>;

export interface OpResults {
  'sdxl.generate': SdxlGenerateResult;
  'clip.info': ClipInfo;
  'clip.embedTexts': Float32Array[];
  'clip.embedImages': Float32Array[];
  'analysis.analyse': ImageAnalysis;
  'image.decode': DecodedImage;
  'providers.detect': { statuses: ProviderStatus[]; ortVersion: string };
  'doctor.smoke': SmokeResult;
  'text.countTokens': TokenCountResult;
  'pack.unload': { unloaded: boolean };
  'weights.bakeLoras': BakeReport;
  'weights.importCheckpoint': ImportReport;
  'weights.installIpAdapter': IpAdapterInstallReport;
  'debug.crash': never;
}

/** Progress payloads per op (only generation reports progress today). */
export type OpProgress = SdxlProgress;

export interface WorkerInit {
  /** Execution providers for every session this worker creates, best first. */
  providers: string[];
  /** CPU threads per session (0 = ORT default). */
  intraOpThreads?: number;
}

export type ToWorker = { seq: number; type: 'run'; op: InferenceOp } | { seq: number; type: 'cancel' };

export type FromWorker =
  | { seq: number; type: 'reply'; ok: true; result: unknown }
  | { seq: number; type: 'reply'; ok: false; error: WorkerErrorData }
  | { seq: number; type: 'progress'; progress: OpProgress }
  /** Bytes written since the last such message (weights ops), for a progress bar. */
  | { seq: number; type: 'bytes'; bytes: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
