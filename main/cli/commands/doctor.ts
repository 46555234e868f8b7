import { parseArgs } from 'node:util';
import type { CliIo, Command } from '../command.ts';
import { openAppContext } from '../../core/app-context.ts';
import { toErrorData } from '../../core/app-error.ts';
import { formatDoctorReport } from '../../doctor/format-report.ts';
import { runDoctor } from '../../doctor/run-doctor.ts';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Check execution providers (CUDA, DirectML, CoreML, WebGPU, CPU), model packs, and run a smoke test',
  usage: `assetql doctor [--json] [--no-smoke] [--data-dir <dir>]

Reports the platform, Node and ONNX Runtime versions, which execution providers work here and
why the others do not, GPU hints, installed model packs, and — unless --no-smoke — times a tiny
random-weight SDXL pack (text encode + 2 denoising steps + VAE decode) on every available
provider. Exit code 0 when at least one provider works and every smoke run passed.`,
  async run(argv: string[], io: CliIo): Promise<number> {
    let values: { json?: boolean; 'no-smoke'?: boolean; 'data-dir'?: string; help?: boolean };
    try {
      ({ values } = parseArgs({
        args: argv,
        options: { json: { type: 'boolean' }, 'no-smoke': { type: 'boolean' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
        strict: true,
      }));
    } catch (err) {
      io.stderr.write(`assetql doctor: ${(err as Error).message}\n${this.usage}\n`);
      return 2;
    }
    if (values.help) {
      io.stdout.write(`${this.usage}\n`);
      return 0;
    }
    const ctx = openAppContext(values['data-dir']);
    try {
      const report = await runDoctor({
        dataDir: ctx.dataDir,
        db: ctx.db,
        smoke: !values['no-smoke'],
        ...(values.json ? {} : { onStage: (s: string) => io.stderr.write(`… ${s}\n`) }),
      });
      io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report));
      return report.ok ? 0 : 1;
    } catch (err) {
      const e = toErrorData(err);
      io.stderr.write(`assetql doctor: ${e.kind}: ${e.message}\n`);
      return 1;
    } finally {
      ctx.close();
    }
  },
};

export default doctorCommand;
