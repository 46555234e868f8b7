import type { CliIo, Command } from '../command.ts';
import { parseFlags } from '../parse-flags.ts';
import { openAppContext } from '../../core/app-context.ts';
import { AppError } from '../../core/app-error.ts';
import { createPipeline } from '../../pipeline/engine.ts';
import type { BatchStages } from '../../pipeline/stages.ts';
import { summaryTable } from '../../pipeline/headless/progress-view.ts';
import { batchSummaryDto } from '../../api/dto/pipeline-dto.ts';
import { requireBatch } from '../../pipeline/ledger/batches.ts';
import { batchAdminInfo, renameBatch, setBatchArchived } from '../../pipeline/ledger/batch-admin.ts';
import { deleteBatchAndFiles, duplicateBatch, rerunFailed } from '../../runtime/batch-admin-ops.ts';
import { DuplicateChangesSchema } from '../../../preload/api.ts';

/** A numeric flag as a zod-checkable number; a non-number is passed through so zod names it. */
function numberFlag(name: string, raw: string | undefined): Record<string, number | string> {
  if (raw === undefined) return {};
  const n = Number(raw);
  return { [name]: Number.isFinite(n) && raw.trim() !== '' ? n : raw };
}

const USAGE = `assetql batch <action> [id] [--json] [--data-dir <dir>]

Manage batches in the task ledger (the same state the app and \`assetql run\` use):
  list                     every batch with its counts
  show <batchId>           the summary table of one batch
  pause|resume|cancel <batchId>
  priority <batchId> <n>   higher runs first
  review <batchId>         the rows waiting in the review queue, with why
  retry <taskId>           send a review / rejected / cancelled row back to the queue
  reject <taskId>          reject a review row
  rename <batchId> <name>  give a batch a new name
  duplicate <batchId> [--name <n>] [--steps <n>] [--guidance <g>] [--sampler <s>]
           [--width <w> --height <h>] [--new-seeds] [--only-failed]
                           "run again with changes": a new draft batch (start it with resume)
  rerun-failed <batchId>   queue every review, rejected and cancelled row of the batch again
  archive|unarchive <batchId>  hide a finished batch from the list (list --all shows it)
  delete <batchId> [--with-assets]  delete the batch's rows and attempts; its library assets
                           stay unless --with-assets (they go to the library's Deleted view)

Control changes are written to the ledger: a running app or \`assetql run\` picks them up, and
a paused or cancelled batch stays that way across restarts. Approving a review row (which
stores its image) needs the app's Review screen or \`assetql serve\`.`;

/** Control ops need no stages: they only write the ledger. Any stage call is a bug. */
const NO_STAGES = (): Promise<BatchStages> => Promise.reject(new AppError('Internal', 'batch control does not generate'));

export const batchCommand: Command = {
  name: 'batch',
  summary: 'List, pause, resume, cancel, rename, duplicate, archive and delete batches; re-run failed rows',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const parsed = parseFlags(this, argv, io, {
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
      all: { type: 'boolean' },
      name: { type: 'string' },
      steps: { type: 'string' },
      guidance: { type: 'string' },
      sampler: { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      'new-seeds': { type: 'boolean' },
      'only-failed': { type: 'boolean' },
      'with-assets': { type: 'boolean' },
    });
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    const [action, id, extra] = positionals;
    const ctx = openAppContext(values['data-dir']);
    try {
      const engine = createPipeline({ db: ctx.db, stages: NO_STAGES });
      const out = (data: unknown, text: string): void => {
        io.stdout.write(values.json ? `${JSON.stringify(data)}\n` : `${text}\n`);
      };
      const deps = () => ({ db: ctx.db, dataDir: ctx.dataDir, engine });
      const need = (what: string): string => {
        if (!id) throw new AppError('BadInput', `assetql batch ${action} needs a ${what}`);
        return id;
      };
      switch (action) {
        case 'list': {
          const info = batchAdminInfo(ctx.db);
          const rows = engine
            .listBatches()
            .filter((b) => !info.get(b.id)?.deletedAt && (values.all || !info.get(b.id)?.archivedAt))
            .map((b) => batchSummaryDto(ctx.db, b));
          out(rows, rows.length === 0 ? 'No batches yet.' : rows.map((b) =>
            `${b.id}  ${b.state.padEnd(9)} ${String(b.counts.ready).padStart(4)} ready ${String(b.counts.review).padStart(4)} review ${String(b.counts.total).padStart(5)} rows  ${b.name}`).join('\n'));
          return 0;
        }
        case 'show': {
          const s = engine.summary(need('batch id'));
          out(s, summaryTable(s));
          return 0;
        }
        case 'pause':
        case 'resume':
        case 'cancel': {
          const bid = need('batch id');
          if (action === 'pause') engine.pauseBatch(bid);
          else if (action === 'resume') engine.resumeBatch(bid);
          else engine.cancelBatch(bid);
          const b = engine.getBatch(bid);
          out(b, `${b?.name} (${bid}) is now ${b?.state}`);
          return 0;
        }
        case 'priority': {
          const n = Number(extra);
          if (!Number.isInteger(n)) throw new AppError('BadInput', `priority must be a whole number, got '${extra ?? ''}'`);
          engine.setBatchPriority(need('batch id'), n);
          out({ id, priority: n }, `priority of ${id} set to ${n}`);
          return 0;
        }
        case 'review': {
          const tasks = engine.listTasks({ batchId: need('batch id'), states: ['dlq'] });
          out(tasks.map((t) => ({ id: t.id, row: t.rowIndex, name: t.name, reason: t.lastError })),
            tasks.length === 0 ? 'The review queue of this batch is empty.' : tasks.map((t) => `${t.id}  row ${t.rowIndex}  ${t.name}: ${t.lastError ?? ''}`).join('\n'));
          return 0;
        }
        case 'retry': {
          const t = engine.retryTask(need('task id'));
          out(t, `row ${t.rowIndex} (${t.name}) is queued again`);
          return 0;
        }
        case 'reject': {
          engine.rejectTask(need('task id'), 'rejected from the CLI');
          out({ id, state: 'rejected' }, `${id} rejected`);
          return 0;
        }
        case 'rename': {
          const bid = need('batch id');
          if (!extra) throw new AppError('BadInput', 'assetql batch rename needs the new name: assetql batch rename <batchId> "<name>"');
          renameBatch(ctx.db, bid, extra);
          out(batchSummaryDto(ctx.db, requireBatch(ctx.db, bid)), `${bid} is now called ${extra.trim()}`);
          return 0;
        }
        case 'duplicate': {
          const changes = DuplicateChangesSchema.safeParse({
            ...(values.name !== undefined ? { name: values.name } : {}),
            ...numberFlag('steps', values.steps),
            ...numberFlag('guidance', values.guidance),
            ...(values.sampler !== undefined ? { sampler: values.sampler } : {}),
            ...numberFlag('width', values.width),
            ...numberFlag('height', values.height),
            ...(values['new-seeds'] ? { seeds: 'new' } : {}),
            ...(values['only-failed'] ? { onlyFailed: true } : {}),
          });
          if (!changes.success) throw new AppError('BadInput', changes.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
          const newId = duplicateBatch(deps(), need('batch id'), changes.data);
          const b = batchSummaryDto(ctx.db, requireBatch(ctx.db, newId));
          out(b, `${b.name} (${newId}) created as a draft with ${b.counts.total} row(s); start it with: assetql batch resume ${newId}`);
          return 0;
        }
        case 'rerun-failed': {
          const n = rerunFailed(deps(), need('batch id'));
          out({ id, queued: n }, n === 0 ? 'No failed rows to run again.' : `${n} row(s) queued again`);
          return 0;
        }
        case 'archive':
        case 'unarchive': {
          const bid = need('batch id');
          setBatchArchived(ctx.db, bid, action === 'archive');
          out(batchSummaryDto(ctx.db, requireBatch(ctx.db, bid)), `${bid} ${action === 'archive' ? 'archived' : 'back in the list'}`);
          return 0;
        }
        case 'delete': {
          const bid = need('batch id');
          const r = await deleteBatchAndFiles(deps(), bid, Boolean(values['with-assets']));
          out({ id: bid, ...r }, `deleted ${bid}: ${r.tasks} row(s)${values['with-assets'] ? `, ${r.assetsDeleted} asset(s) moved to Deleted` : '; its library assets stay'}`);
          return 0;
        }
        default:
          io.stderr.write(`assetql batch: ${action ? `unknown action '${action}'` : 'which action?'}\n${USAGE}\n`);
          return 2;
      }
    } finally {
      ctx.close();
    }
  },
};
