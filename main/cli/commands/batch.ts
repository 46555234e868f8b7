import type { CliIo, Command } from '../command.ts';
import { parseFlags } from '../parse-flags.ts';
import { openAppContext } from '../../core/app-context.ts';
import { AppError } from '../../core/app-error.ts';
import { createPipeline } from '../../pipeline/engine.ts';
import type { BatchStages } from '../../pipeline/stages.ts';
import { summaryTable } from '../../pipeline/headless/progress-view.ts';
import { batchSummaryDto } from '../../api/dto/pipeline-dto.ts';

const USAGE = `assetql batch <action> [id] [--json] [--data-dir <dir>]

Manage batches in the task ledger (the same state the app and \`assetql run\` use):
  list                     every batch with its counts
  show <batchId>           the summary table of one batch
  pause|resume|cancel <batchId>
  priority <batchId> <n>   higher runs first
  review <batchId>         the rows waiting in the review queue, with why
  retry <taskId>           send a review / rejected / cancelled row back to the queue
  reject <taskId>          reject a review row

Control changes are written to the ledger: a running app or \`assetql run\` picks them up, and
a paused or cancelled batch stays that way across restarts. Approving a review row (which
stores its image) needs the app's Review screen or \`assetql serve\`.`;

/** Control ops need no stages: they only write the ledger. Any stage call is a bug. */
const NO_STAGES = (): Promise<BatchStages> => Promise.reject(new AppError('Internal', 'batch control does not generate'));

export const batchCommand: Command = {
  name: 'batch',
  summary: 'List, pause, resume, cancel and reprioritise batches; list and retry review rows',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const parsed = parseFlags(this, argv, io, { json: { type: 'boolean' }, 'data-dir': { type: 'string' } });
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    const [action, id, extra] = positionals;
    const ctx = openAppContext(values['data-dir']);
    try {
      const engine = createPipeline({ db: ctx.db, stages: NO_STAGES });
      const out = (data: unknown, text: string): void => {
        io.stdout.write(values.json ? `${JSON.stringify(data)}\n` : `${text}\n`);
      };
      const need = (what: string): string => {
        if (!id) throw new AppError('BadInput', `assetql batch ${action} needs a ${what}`);
        return id;
      };
      switch (action) {
        case 'list': {
          const rows = engine.listBatches().map((b) => batchSummaryDto(ctx.db, b));
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
        default:
          io.stderr.write(`assetql batch: ${action ? `unknown action '${action}'` : 'which action?'}\n${USAGE}\n`);
          return 2;
      }
    } finally {
      ctx.close();
    }
  },
};
