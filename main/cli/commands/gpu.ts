import { parseArgs } from 'node:util';
import type { CliIo, Command } from '../command.ts';
import { AppError, toErrorData } from '../../core/app-error.ts';
import { formatBytes } from '../../../models/downloader/format-bytes.ts';
import { cudaRuntimeStatus, disableCuda, enableCuda, type CudaProgress } from '../../gpu-runtime/cuda-runtime.ts';
import { writeCommandError } from '../command-error.ts';

const USAGE = `assetql gpu <subcommand> [options]

  status                 whether CUDA acceleration is offered here, installed and active
  enable-cuda            Linux x64 + NVIDIA: download ONNX Runtime's CUDA provider for the
                         installed onnxruntime (the same files as its install:cuda), verify it,
                         install it for this user and test it on the GPU (resumable; Ctrl-C keeps
                         the partial download)
  disable-cuda           remove the installed CUDA runtime (the bundled runtime is used again)

Options: --json, --feed <url> (another NuGet v3 feed index, e.g. a mirror),
         --force (skip the NVIDIA driver precheck; the GPU test still decides)
The runtime lives in $ASSETQL_RUNTIME_DIR, else $XDG_DATA_HOME/assetql/runtimes
(~/.local/share/assetql/runtimes), shared by the desktop app and the CLI.`;

export const gpuCommand: Command = {
  name: 'gpu',
  summary: 'GPU runtimes: enable CUDA acceleration on Linux + NVIDIA without npm',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    let values: { json?: boolean; feed?: string; force?: boolean; help?: boolean };
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { json: { type: 'boolean' }, feed: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
    } catch (err) {
      io.stderr.write(`assetql gpu: ${(err as Error).message}\n${USAGE}\n`);
      return 2;
    }
    const sub = positionals[0];
    if (values.help || !sub) {
      (values.help ? io.stdout : io.stderr).write(`${USAGE}\n`);
      return values.help ? 0 : 2;
    }
    const json = values.json === true;
    try {
      if (sub === 'status') {
        const st = cudaRuntimeStatus();
        if (json) io.stdout.write(`${JSON.stringify(st, null, 2)}\n`);
        else if (!st.offered) io.stdout.write(`CUDA acceleration is not offered here: ${st.reason}\n`);
        else io.stdout.write(`ONNX Runtime ${st.ortVersion}: CUDA runtime ${st.active ? 'installed and active' : st.installed ? 'installed but not working (run enable-cuda to test again and see why)' : 'not installed'}; NVIDIA driver ${st.driverFound ? 'found' : 'not found'}\n  folder: ${st.dir}\n`);
        return 0;
      }
      if (sub === 'disable-cuda') {
        await disableCuda();
        io.stdout.write(json ? `${JSON.stringify({ ok: true })}\n` : 'CUDA runtime removed; the bundled runtime is used from the next start.\n');
        return 0;
      }
      if (sub !== 'enable-cuda') {
        io.stderr.write(`assetql gpu: unknown subcommand "${sub}"\n${USAGE}\n`);
        return 2;
      }
      let last = 0;
      const onProgress = (p: CudaProgress): void => {
        if (json) {
          io.stdout.write(`${JSON.stringify({ event: 'progress', ...p })}\n`);
          return;
        }
        const now = Date.now();
        if (p.stage === 'downloading' && now - last < 1000 && p.bytesDone < p.bytesTotal) return;
        last = now;
        io.stderr.write(p.stage === 'downloading' ? `… ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}\n` : `… ${p.message}\n`);
      };
      const r = await enableCuda({ signal: io.signal, onProgress, ...(values.feed ? { feedIndex: values.feed } : {}), ...(values.force ? { skipDriverCheck: true } : {}) });
      if (json) io.stdout.write(`${JSON.stringify({ ok: r.state === 'enabled', ...r })}\n`);
      else if (r.state === 'enabled') io.stdout.write(`${r.probe.message}\nCUDA acceleration is on for the app and the CLI (restart the app if it is open). Check with: assetql doctor\n`);
      else io.stdout.write(`The CUDA runtime is installed in ${r.dir}, but CUDA did not start:\n  ${r.probe.message}\nAfter fixing that, run \`assetql gpu enable-cuda\` again: it only re-tests.\n`);
      return r.state === 'enabled' ? 0 : 1;
    } catch (err) {
      const e = toErrorData(err);
      if (json) io.stdout.write(`${JSON.stringify({ ok: false, error: e })}\n`);
      writeCommandError(io, `assetql gpu ${sub}`, err);
      if (err instanceof AppError && err.kind === 'Cancelled') io.stderr.write('The partial download was kept; run the same command again to resume.\n');
      return e.kind === 'Cancelled' ? 130 : 1;
    }
  },
};

export default gpuCommand;
