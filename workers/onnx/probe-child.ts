/**
 * Runs one provider probe in a child process (see probeIsolated in providers.ts): the native
 * warnings some providers print straight to the process's stderr (Dawn's "Couldn't load Vulkan"
 * with a C++ frame, on every launch without a Vulkan driver) are captured by the parent instead
 * of reaching the user's terminal. Prints one JSON line: {"error": string | null}.
 */
import './telemetry-off.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probe, reluModel, type ProviderName } from './providers.ts';

const name = process.env['ASSETQL_PROBE_PROVIDER'] as ProviderName;
const timeoutMs = Number(process.env['ASSETQL_PROBE_TIMEOUT_MS'] ?? 15_000);
const dir = await mkdtemp(join(tmpdir(), 'assetql-ep-probe-'));
try {
  const path = join(dir, 'relu.onnx');
  await writeFile(path, reluModel());
  const error = await probe(path, name, timeoutMs);
  process.stdout.write(`${JSON.stringify({ error: error ?? null })}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
process.exit(0);
