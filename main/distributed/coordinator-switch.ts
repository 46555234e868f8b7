import type { RgbImage } from '../../workers/image/rgb-image.ts';
import { toErrorData } from '../core/app-error.ts';
import type { PipelineEngine } from '../pipeline/engine.ts';
import type { BatchStages, GenerateStage, StageResolver } from '../pipeline/stages.ts';
import type { BatchRecord } from '../pipeline/types.ts';
import type { Coordinator } from './coordinator.ts';
import type { DistributedStageOptions } from './distributed-stages.ts';

/** What the switch runs: null = local generation only. Compared by `key` to skip no-op saves. */
export interface SwitchTarget {
  key: string;
  start: () => Promise<Coordinator>;
}

export interface SwitchState {
  /** A coordinator is running (generation goes to the queues). */
  active: boolean;
  /** Why the last start failed (generation stays local meanwhile). */
  error: string | null;
  /** A change being applied, in words for the Settings screen; null when settled. */
  applying: string | null;
}

export interface SwitchOptions {
  /** Generations at once without a coordinator (the local GPU). */
  localSlots: number;
  /** How long remote attempts in flight may take to finish before they go back to the queue. */
  drainTimeoutMs?: number;
  log?: (line: string) => void;
}

/**
 * Settings → Distributed applied in the running app. The engine's stages dispatch to the
 * current coordinator (or local generation) at every attempt, and its live generate cap comes
 * from here. A change:
 *  1. holds new claims (cap 0) — local and remote work already in flight carries on;
 *  2. waits for the remote attempts in flight to finish normally (their images are collected,
 *     judged and stored as usual); any still running after drainTimeoutMs, or at once when the
 *     old Redis is unreachable, are aborted: their jobs are withdrawn and the attempts go back to
 *     the ledger's queue (cancelled attempt, same plan), so nothing is lost or made twice;
 *  3. stops the old coordinator, starts the new one (or none), and releases the cap.
 * The state (`applying`) says which step it is in, so the UI is never silent about it.
 */
export class CoordinatorSwitch {
  private cur: Coordinator | null = null;
  private detach: (() => void) | null = null;
  private engine: PipelineEngine | null = null;
  private key = '';
  private err: string | null = null;
  private applyingText: string | null = null;
  private holding = false;
  private remoteInFlight = 0;
  private drainWaiters: (() => void)[] = [];
  private drainAbort = new AbortController();
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly o: SwitchOptions) {}

  get current(): Coordinator | null {
    return this.cur;
  }

  state(): SwitchState {
    return { active: this.cur !== null, error: this.err, applying: this.applyingText };
  }

  /** The engine's live generate cap (PipelineConfig.generateSlots). */
  slots(): number {
    if (this.holding) return 0;
    return this.cur ? this.cur.cap.value : this.o.localSlots;
  }

  attach(engine: PipelineEngine): void {
    this.engine = engine;
    this.detach = this.cur?.attach(engine) ?? null;
  }

  /** Marks a change as on its way (before its target is even read), so the next read of the state says so. */
  announce(): void {
    this.applyingText ??= 'Applying the new settings…';
  }

  /** Applies a target (null = local only); resolves when it is in effect. Calls run one after another. */
  apply(target: SwitchTarget | null): Promise<void> {
    const run = this.chain.then(() => this.switchTo(target));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async switchTo(target: SwitchTarget | null): Promise<void> {
    if (this.closed) return;
    const key = target?.key ?? '';
    if (key === this.key && (this.cur !== null || key === '') && this.err === null) {
      this.applyingText = null;
      return;
    }
    this.holding = true;
    try {
      if (this.cur) await this.drain();
      const old = this.cur;
      this.detach?.();
      this.detach = null;
      this.cur = null;
      if (old) {
        this.applyingText = 'Applying the new settings: disconnecting from the old Redis and store…';
        await old.stop().catch((e: unknown) => this.o.log?.(`stopping the coordinator: ${toErrorData(e).message}`));
      }
      this.key = key;
      this.err = null;
      if (target && !this.closed) {
        this.applyingText = 'Applying the new settings: connecting to Redis and the store…';
        try {
          this.cur = await target.start();
          if (this.engine) this.detach = this.cur.attach(this.engine);
        } catch (e) {
          const d = toErrorData(e);
          this.err = `${d.kind}: ${d.message}`;
        }
      }
    } finally {
      this.drainAbort = new AbortController();
      this.holding = false;
      this.applyingText = null;
      this.engine?.poke();
    }
  }

  /** Step 2: remote attempts in flight finish, or go back to the queue after the timeout. */
  private async drain(): Promise<void> {
    const limit = this.o.drainTimeoutMs ?? 60_000;
    const t0 = Date.now();
    while (this.remoteInFlight > 0) {
      const left = limit - (Date.now() - t0);
      const unreachable = this.cur?.redis.status !== 'ready';
      if (left <= 0 || unreachable) {
        this.applyingText = `Applying the new settings: returning ${this.remoteInFlight} unfinished remote attempt(s) to the queue${unreachable ? ' (the old Redis is unreachable)' : ''}…`;
        this.drainAbort.abort(unreachable ? 'distributed settings changed; the old Redis is unreachable' : 'distributed settings changed');
        await this.waitDrain(10_000);
        return;
      }
      this.applyingText = `Applying the new settings: waiting for ${this.remoteInFlight} remote attempt(s) in flight to finish (no new rows start until then; after ${Math.ceil(left / 1000)} s they go back to the queue).`;
      await this.waitDrain(Math.min(left, 1000));
    }
  }

  private waitDrain(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.drainWaiters.push(done);
    });
  }

  /**
   * The engine's stage resolver: per batch, the local stages, with generation dispatched at each
   * attempt to the coordinator running then (its stages built once per coordinator and batch).
   * An image made remotely is validated and stored by that coordinator's stages (worker-measured
   * scores, worker named in the recipe) even if the settings changed in between.
   */
  resolver(local: StageResolver, options: DistributedStageOptions): StageResolver {
    return async (batch: BatchRecord): Promise<BatchStages> => {
      const stages = await local(batch);
      const remote = new WeakMap<Coordinator, Promise<BatchStages>>();
      const madeBy = new WeakMap<RgbImage, BatchStages>();
      const remoteFor = (c: Coordinator): Promise<BatchStages> => {
        let p = remote.get(c);
        if (!p) {
          p = c.wrap(async () => stages, options)(batch);
          p.catch(() => remote.delete(c));
          remote.set(c, p);
        }
        return p;
      };
      const current = (): Coordinator | null => this.cur;
      const runRemote = async (c: Coordinator, req: Parameters<GenerateStage['generate']>[0], opts: Parameters<GenerateStage['generate']>[1]): Promise<{ image: RgbImage; gpuMs: number }> => {
        const rs = await remoteFor(c);
        this.remoteInFlight++;
        try {
          const out = await rs.generate.generate(req, { ...opts, signal: AbortSignal.any([opts.signal, this.drainAbort.signal]) });
          madeBy.set(out.image, rs);
          return out;
        } finally {
          this.remoteInFlight--;
          if (this.remoteInFlight === 0) for (const w of this.drainWaiters.splice(0)) w();
        }
      };
      const generate: GenerateStage = {
        modelId: stages.generate.modelId,
        // Read at planning time: workers take no IP-Adapter (see distributed-stages).
        get capabilities() {
          return current() ? { ipAdapter: false, img2img: stages.generate.capabilities.img2img } : stages.generate.capabilities;
        },
        generate(req, opts) {
          const c = current();
          return c ? runRemote(c, req, opts) : stages.generate.generate(req, opts);
        },
      };
      return {
        ...stages,
        generate,
        validate: { validate: (image, ctx) => (madeBy.get(image) ?? stages).validate.validate(image, ctx) },
        store: { ...stages.store, store: (input) => (madeBy.get(input.image) ?? stages).store.store(input) },
      };
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.chain;
    this.detach?.();
    this.detach = null;
    const c = this.cur;
    this.cur = null;
    await c?.stop();
  }
}
