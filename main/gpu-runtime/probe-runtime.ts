import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '../../models/test-pack/graph-builder.ts';
import { encodeModel } from '../../models/test-pack/onnx-proto.ts';
import { explainCudaFailure } from './cuda-errors.ts';

export interface ProbeResult {
  ok: boolean;
  /** What the person should do (when not ok). */
  message: string;
  /** ONNX Runtime's own words, for `doctor` and bug reports. */
  detail: string;
}

// Runs in a fresh process: the dynamic loader keeps the first libonnxruntime.so.1 a process
// loaded, so the new copy can only be tried where the bundled one was never loaded.
const SCRIPT = `
const [dir, model] = process.argv.slice(1);
const done = (r) => { process.stdout.write(JSON.stringify(r)); process.exit(0); };
let ort;
try { ort = require('module').createRequire(require('path').join(dir, 'index.js'))('onnxruntime-node'); }
catch (e) { done({ ok: false, error: 'cannot load the runtime: ' + (e && e.message || e) }); }
ort.InferenceSession.create(model, { executionProviders: ['cuda'], logSeverityLevel: 4 })
  .then(async (s) => { const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([-1, 2, -3, 4]), [4]) }); done({ ok: out.y.data[1] === 2, error: out.y.data[1] === 2 ? '' : 'wrong result' }); })
  .catch((e) => done({ ok: false, error: String(e && e.message || e) }));
`;

/** y = Relu(x) over float32[4]: the smallest model that proves a provider runs. */
function reluModel(): Uint8Array {
  const g = new GraphBuilder(1);
  const x = g.input('x', 'float32', [4]);
  g.output('y', g.op('Relu', [x]), 'float32', [4]);
  return encodeModel(g.build('cuda-probe'), 'AssetQL CUDA probe');
}

/** Loads the runtime copy in `runtimeDir` in a child process and runs a one-node model on CUDA. */
export async function probeCudaRuntime(runtimeDir: string, timeoutMs = 60_000): Promise<ProbeResult> {
  const tmp = await mkdtemp(join(tmpdir(), 'assetql-cuda-probe-'));
  try {
    const model = join(tmp, 'relu.onnx');
    await writeFile(model, reluModel());
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
      // process.execPath is node for the CLI and Electron for the app (run as plain node).
      const child = spawn(process.execPath, ['-e', SCRIPT, runtimeDir, model], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ORT_DISABLE_TELEMETRY: '1' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8000)));
      child.on('close', (c) => resolve({ stdout: out, stderr: err, code: c }));
      child.on('error', (e) => resolve({ stdout: '', stderr: e.message, code: -1 }));
    });
    let parsed: { ok?: boolean; error?: string } = {};
    try {
      parsed = JSON.parse(stdout) as typeof parsed;
    } catch {
      parsed = { ok: false, error: `probe process ended with code ${code}: ${stderr.split('\n').filter(Boolean).slice(-3).join(' ')}` };
    }
    if (parsed.ok) return { ok: true, message: 'CUDA works: a test model ran on the GPU.', detail: '' };
    // ORT logs the loader's exact words (which library, why) before it throws a generic error.
    const detail = [parsed.error ?? '', stderr].filter(Boolean).join('\n').trim();
    return { ok: false, message: explainCudaFailure(detail), detail: detail.slice(0, 2000) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
