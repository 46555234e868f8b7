import { mkdir } from 'node:fs/promises';
import type { ClipManifest, SdxlManifest } from '../manifest.ts';
import { createClipTestPack, type ClipTestPackOptions } from './clip-test-pack.ts';
import { createSdxlTestPack, type SdxlTestPackOptions } from './sdxl-test-pack.ts';

export type { ClipTestPackOptions, SdxlTestPackOptions };
export type TestPackOptions = SdxlTestPackOptions | ClipTestPackOptions;

/**
 * Writes a tiny random-weight model pack (ONNX files + tokenizer + manifest.json, testPack:
 * true) into `dir`. For tests, `assetql models create-test-pack`, and `doctor` smoke runs.
 */
export async function createTestPack(dir: string, options: SdxlTestPackOptions): Promise<SdxlManifest>;
export async function createTestPack(dir: string, options: ClipTestPackOptions): Promise<ClipManifest>;
export async function createTestPack(dir: string, options: TestPackOptions): Promise<SdxlManifest | ClipManifest>;
export async function createTestPack(dir: string, options: TestPackOptions): Promise<SdxlManifest | ClipManifest> {
  await mkdir(dir, { recursive: true });
  return options.kind === 'sdxl' ? createSdxlTestPack(dir, options) : createClipTestPack(dir, options);
}
