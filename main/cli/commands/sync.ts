import { openAppContext } from '../../core/app-context.ts';
import { toErrorData } from '../../core/app-error.ts';
import { loadExportItems, type ExportSelection } from '../../library/export/load-items.ts';
import { loadS3Config, type S3SyncConfigInput } from '../../library/sync/s3-config.ts';
import { syncAll } from '../../library/sync/sync-all.ts';
import { checkS3Access } from '../../library/sync/check-s3-access.ts';
import type { CliIo, Command } from '../command.ts';
import { parseFlags } from '../parse-flags.ts';
import { writeTerminalControl } from '../terminal-text.ts';
import { writeCommandError } from '../command-error.ts';

export const syncCommand: Command = {
  name: 'sync',
  summary: 'Upload library PNGs and thumbnails to S3 (or an S3-compatible server), resuming where it stopped',
  usage: `assetql sync [--check] [--dry-run] [--json] [--batch <id>] [--query "<text>"] [--ids a,b]
              [--bucket B] [--prefix P] [--endpoint URL] [--region R] [--data-dir <dir>]

Reads the "s3" setting { bucket, prefix, region, accessKeyId, secretAccessKey, endpoint?, publicBaseUrl?,
storageClassForArchive?, multipartThreshold? }; flags override it, and AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY fill in missing credentials. Objects go to <prefix>/raw/<batch>/<asset>.png and
<prefix>/thumbnails/<asset>.jpg. Files already uploaded and unchanged are skipped, so an interrupted
sync (Ctrl-C, network loss) continues where it stopped. --dry-run lists what would be uploaded.
--check only tests the connection (one HeadBucket call) and says: ok, bucket not found, access denied
or endpoint unreachable; exit 0 only when ok.`,
  async run(argv: string[], io: CliIo): Promise<number> {
    const parsed = parseFlags(this, argv, io, {
      check: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' }, batch: { type: 'string' }, query: { type: 'string' },
      ids: { type: 'string' }, bucket: { type: 'string' }, prefix: { type: 'string' }, endpoint: { type: 'string' },
      region: { type: 'string' }, 'data-dir': { type: 'string' },
    }, { positionals: false });
    if (typeof parsed === 'number') return parsed;
    const { values } = parsed;
    try {
      const ctx = openAppContext(values['data-dir']);
      try {
        const overrides: Partial<S3SyncConfigInput> = {
          bucket: values.bucket, prefix: values.prefix, endpoint: values.endpoint, region: values.region,
        };
        let config;
        try {
          config = loadS3Config(ctx.db, overrides);
        } catch (err) {
          // Credentials may live in the environment rather than the settings table.
          const envKey = io.env['AWS_ACCESS_KEY_ID'];
          const envSecret = io.env['AWS_SECRET_ACCESS_KEY'];
          if (!envKey || !envSecret) throw err;
          config = loadS3Config(ctx.db, { ...overrides, accessKeyId: envKey, secretAccessKey: envSecret });
        }
        if (values.check) {
          // Before any upload, so a wrong key or endpoint is one plain sentence, not N failed files.
          const check = await checkS3Access(config);
          io.stdout.write(values.json ? `${JSON.stringify(check, null, 2)}\n` : `${check.message}\n`);
          return check.ok ? 0 : 1;
        }
        const selection: ExportSelection = {
          ...(values.batch ? { batchId: values.batch } : {}),
          ...(values.query ? { query: values.query } : {}),
          ...(values.ids ? { ids: values.ids.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
        };
        const items = loadExportItems(ctx, selection);
        const showProgress = !values.json && io.stdout.isTTY === true;
        const result = await syncAll({ db: ctx.db, config }, items, {
          signal: io.signal,
          ...(values['dry-run'] ? { dryRun: true } : {}),
          ...(showProgress ? { onProgress: (p) => writeTerminalControl(io.stderr, `\r${p.filesDone}/${p.filesTotal} files, ${(p.bytesUploaded / 1048576).toFixed(1)} MiB`) } : {}),
          ...(values.json ? {} : { onRetry: (key, attempt, err) => io.stderr.write(`retry ${attempt} for ${key}: ${toErrorData(err).message}\n`) }),
        });
        if (values.json) {
          io.stdout.write(`${JSON.stringify({ bucket: config.bucket, prefix: config.prefix, dryRun: values['dry-run'] === true, ...result }, null, 2)}\n`);
        } else {
          if (showProgress) io.stderr.write('\n');
          if (values['dry-run']) {
            io.stdout.write(`Dry run: ${result.planned.length} file(s) would be uploaded to ${config.bucket}, ${result.skipped} already there.\n`);
            for (const k of result.planned) io.stdout.write(`  ${k}\n`);
          } else {
            io.stdout.write(`Synced to ${config.bucket}: ${result.uploaded} uploaded, ${result.skipped} unchanged, ${result.failed} failed` +
              ` (${(result.bytesUploaded / 1048576).toFixed(1)} MiB)${result.cancelled ? ' — interrupted; run again to resume' : ''}\n`);
            for (const e of result.errors) io.stdout.write(`  failed ${e.key}: ${e.message}\n`);
          }
        }
        if (result.cancelled) return 130;
        if (result.failed > 0) return 1;
        if (items.length === 0 && !values.json) io.stderr.write('no assets match the selection\n');
        return 0;
      } finally {
        ctx.close();
      }
    } catch (err) {
      writeCommandError(io, `assetql sync`, err);
      return 1;
    }
  },
};
