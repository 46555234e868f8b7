import type { CliIo, Command } from '../command.ts';
import { parseFlags } from '../parse-flags.ts';
import { openAppContext } from '../../core/app-context.ts';
import { AppError } from '../../core/app-error.ts';
import { createPipeline } from '../../pipeline/engine.ts';
import { reviewStages } from '../../pipeline/adapters/review-stages.ts';
import { actor } from '../../core/actor.ts';
import { summaryTable } from '../../pipeline/headless/progress-view.ts';
import { batchSummaryDto } from '../../api/dto/pipeline-dto.ts';
import { requireBatch, batchAdminInfo, renameBatch, setBatchArchived } from '../../pipeline/ledger-api.ts';
import { deleteBatchAndFiles, duplicateBatch, rerunFailed } from '../../runtime/batch-admin-ops.ts';
import { DuplicateChangesSchema, TASK_STATUSES } from '../../../preload/api.ts';

/** "Needs review, Rejected or Cancelled": the statuses Re-run takes, in the app's words. */
function rerunLabels(): string {
  const labels = TASK_STATUSES.filter((s) => s.rerun).map((s) => s.label);
  return labels.length > 1 ? `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}` : (labels[0] ?? '');
}

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
  approve <taskId> [--attempt <n>]  file the row's best image of its current line (or attempt n)
                           with the prompt that made it
  retry <taskId> [--prompt <text>]  send a row that is ${rerunLabels()} back to the queue;
                           an edited prompt starts a new attempt line from the edit
  reject <taskId>          reject a review row
  review history <batchId|taskId>  every review decision with who and when
  review undo <decisionId> undo a decision (un-approve removes the asset, un-reject returns the
                           row to review, an edited re-run that has not started is taken back)
  rename <batchId> <name>  give a batch a new name
  duplicate <batchId> [--name <n>] [--steps <n>] [--guidance <g>] [--sampler <s>]
           [--width <w> --height <h>] [--new-seeds] [--only-failed]
                           "run again with changes": a new draft batch (start it with resume)
  rerun-failed <batchId>   queue again every row that is ${rerunLabels()}
  archive|unarchive <batchId>  hide a finished batch from the list (list --all shows it)
  delete <batchId> [--with-assets]  delete the batch's rows and attempts; its library assets
                           stay unless --with-assets (they go to the library's Deleted view)

Control changes are written to the ledger: a running app or \`assetql run\` picks them up, and
a paused or cancelled batch stays that way across restarts. Approve files the image without a
model loaded (thumbnail only: search embeddings and tags come with the next \`library\` reindex).`;


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
      attempt: { type: 'string' },
      prompt: { type: 'string' },
    });
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    const [action, id, extra] = positionals;
    const ctx = openAppContext(values['data-dir']);
    try {
      // Control and review only write the ledger (and file approved images): no model is loaded.
      const engine = createPipeline({ db: ctx.db, stages: reviewStages({ db: ctx.db, dataDir: ctx.dataDir }) });
      const by = actor('cli');
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
          // The counts line is the one the app's batch list shows (same function, same words).
          out(rows, rows.length === 0 ? 'No batches yet.' : rows.map((b) => `${b.id}  ${b.state.padEnd(9)} ${b.name}  ${b.counts.line}`).join('\n'));
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
          if (id === 'undo') {
            const n = Number(extra);
            if (!Number.isInteger(n) || n <= 0) throw new AppError('BadInput', 'assetql batch review undo needs the decision id (see review history)');
            const d = await engine.undoDecision(n);
            out(d, `undid ${d.action} of ${d.taskId} (decision ${d.id})`);
            return 0;
          }
          if (id === 'history') {
            const target = extra ?? '';
            if (!target) throw new AppError('BadInput', 'assetql batch review history needs a batch id or a task id');
            const isBatch = engine.getBatch(target) !== undefined;
            const ds = engine.listDecisions(isBatch ? { batchId: target } : { taskId: target });
            out(ds.map(({ before: _b, ...d }) => d), ds.length === 0 ? 'No review decisions yet.' : ds.map((d) => `#${d.id}  ${new Date(d.at).toISOString()}  ${d.by}  ${d.action}${d.attemptN ? ` attempt ${d.attemptN}` : ''}  ${d.taskId}${d.undoneAt ? '  (undone)' : ''}`).join('\n'));
            return 0;
          }
          const tasks = engine.listTasks({ batchId: need('batch id'), states: ['dlq'] });
          out(tasks.map((t) => ({ id: t.id, row: t.rowIndex, name: t.name, reason: t.lastError })),
            tasks.length === 0 ? 'The review queue of this batch is empty.' : tasks.map((t) => `${t.id}  row ${t.rowIndex}  ${t.name}: ${t.lastError ?? ''}`).join('\n'));
          return 0;
        }
        case 'approve': {
          const attempt = values.attempt === undefined ? undefined : Number(values.attempt);
          if (attempt !== undefined && (!Number.isInteger(attempt) || attempt < 1)) throw new AppError('BadInput', `--attempt must be an attempt number ≥ 1 (got "${values.attempt}")`);
          const r = await engine.approveTask(need('task id'), { ...(attempt !== undefined ? { attempt } : {}), by });
          out({ id, ...r }, `${id} approved: asset ${r.assetId} (decision ${r.decisionId})`);
          return 0;
        }
        case 'retry': {
          const t = engine.retryTask(need('task id'), values.prompt !== undefined ? { prompt: values.prompt } : {}, by);
          out(t, `row ${t.rowIndex} (${t.name}) is queued again`);
          return 0;
        }
        case 'reject': {
          engine.rejectTask(need('task id'), 'rejected from the CLI', by);
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
          out({ id, queued: n }, n === 0 ? `Nothing to re-run: no row is ${rerunLabels()}.` : `${n} row(s) queued again`);
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
