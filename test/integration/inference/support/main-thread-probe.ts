/**
 * Child for the main-thread test: runs `assetql doctor` (provider probing + smoke run) and
 * `assetql dna` (decode + analysis) in-process, then reports which CommonJS modules the MAIN
 * thread loaded. onnxruntime-node is CommonJS, so loading it here would show in require.cache;
 * worker threads have their own caches and do not count.
 * Usage: node --import tsx main-thread-probe.ts <dataDir> <image>
 */
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { main } from '../../../../main/cli/main.ts';

const [dataDir, image] = process.argv.slice(2) as [string, string];
let out = '';
const sink = new Writable({ write: (c: Buffer, _e, cb) => ((out += c.toString()), cb()) });
const doctor = await main(['doctor', '--json', '--data-dir', dataDir], { stdout: sink, stderr: sink });
const report = JSON.parse(out) as { smoke: { ok: boolean }[]; ortVersion: string; providers: { name: string; available: boolean }[] };
out = '';
const dna = await main(['dna', image, '--json', '--data-dir', dataDir], { stdout: sink, stderr: sink });
const palette = (JSON.parse(out) as { palette?: unknown[] }).palette?.length ?? 0;
// The runtime is onnxruntime-node's dist/ (binding + session code) and onnxruntime-common; its
// package.json (version) and install metadata (CUDA enable flow) are data, not the runtime.
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => /onnxruntime-node[\\/](dist[\\/]|.*\.node$)|onnxruntime-common/.test(k));
process.stdout.write(`${JSON.stringify({ doctor, dna, smoke: report.smoke, ortVersion: report.ortVersion, cpu: report.providers.find((p) => p.name === 'cpu'), palette, loaded })}\n`);
