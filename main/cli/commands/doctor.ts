import { parseArgs } from 'node:util';
import type { CliIo, Command } from '../command.ts';
import { openAppContext } from '../../core/app-context.ts';
import { resolveDataDir } from '../../core/data-dir.ts';
import { checkDatabase, type DatabaseCheck } from '../../db/check-database.ts';
import { formatDoctorReport } from '../../doctor/format-report.ts';
import { runDoctor } from '../../doctor/run-doctor.ts';
import { writeCommandError } from '../command-error.ts';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Check execution providers (CUDA, DirectML, CoreML, WebGPU, CPU), model packs, and run a smoke test',
  usage: `assetql doctor [--json] [--no-smoke] [--data-dir <dir>]
       assetql doctor --db [--json] [--data-dir <dir>]

Reports the platform, Node and ONNX Runtime versions, which execution providers work here and
why the others do not, GPU hints, installed model packs, and — unless --no-smoke — times a tiny
random-weight SDXL pack (text encode + 2 denoising steps + VAE decode) on every available
provider. Exit code 0 when at least one provider works and every smoke run passed.

--db runs SQLite's full integrity check on the data folder's database instead (read-only, safe
beside a running app; every open already runs the quicker check). Exit code 0 when it is sound.`,
  async run(argv: string[], io: CliIo): Promise<number> {
    let values: { json?: boolean; 'no-smoke'?: boolean; db?: boolean; 'data-dir'?: string; help?: boolean };
    try {
      ({ values } = parseArgs({
        args: argv,
        options: { json: { type: 'boolean' }, 'no-smoke': { type: 'boolean' }, db: { type: 'boolean' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
    if (values.db) {
      // Not through openAppContext: this must also report on a file the opener refuses.
      const check = checkDatabase(resolveDataDir(values['data-dir']));
      io.stdout.write(values.json ? `${JSON.stringify(check, null, 2)}\n` : formatDatabaseCheck(check));
      return check.ok ? 0 : 1;
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
      writeCommandError(io, `assetql doctor`, err);
      return 1;
    } finally {
      ctx.close();
    }
  },
};

function formatDatabaseCheck(c: DatabaseCheck): string {
  const lines = [`database ${c.path} (${(c.bytes / 1e6).toFixed(1)} MB)`];
  if (c.writer) lines.push(`in use by pid ${c.writer.pid} (${c.writer.command}) — checked read-only`);
  if (c.ok) lines.push(`integrity_check: ok (${c.ms} ms)`);
  else {
    lines.push(`integrity_check: FAILED`, ...c.problems.map((p) => `  ${p}`));
    lines.push('Run `assetql library rebuild` to set the file aside and re-index the library from its images, or restore assetql.db from a backup.');
  }
  return `${lines.join('\n')}\n`;
}

export default doctorCommand;
