import { openAppContext } from '../../core/app-context.ts';
import { AppError, toErrorData } from '../../core/app-error.ts';
import { loadDistributedConfig } from '../../distributed/distributed-config.ts';
import { createRedis } from '../../distributed/redis-connection.ts';
import { formatWorkersTable } from '../../distributed/format-workers.ts';
import { listWorkers } from '../../distributed/worker-registry.ts';
import type { Command } from '../command.ts';
import { parseFlags } from '../parse-flags.ts';
import { writeCommandError } from '../command-error.ts';

export const workersCommand: Command = {
  name: 'workers',
  summary: 'List the generation workers connected to Redis (host, GPU, packs, current job, rate)',
  usage: `assetql workers [--redis <url>] [--data-dir <dir>] [--json]

Lists every worker whose heartbeat is in Redis: host, provider, GPU, packs, current job,
images/min and the age of its last heartbeat. Without --redis, uses Settings → Distributed.`,
  async run(argv, io) {
    const parsed = parseFlags(this, argv, io, { redis: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean' } }, { positionals: false });
    if (typeof parsed === 'number') return parsed;
    const v = parsed.values;
    try {
      let url = v.redis ?? io.env['ASSETQL_REDIS_URL'];
      if (!url) {
        const ctx = openAppContext(v['data-dir']);
        try {
          url = (await loadDistributedConfig(ctx.db, ctx.dataDir.root)).redisUrl || undefined;
        } finally {
          ctx.close();
        }
      }
      if (!url) throw new AppError('BadInput', 'no Redis configured: pass --redis <url> or set it in Settings → Distributed');
      const redis = createRedis(url, { connectTimeout: 5000, retryStrategy: () => null });
      try {
        const workers = await listWorkers(redis);
        io.stdout.write(v.json ? `${JSON.stringify({ workers }, null, 2)}\n` : `${formatWorkersTable(workers)}\n`);
        return 0;
      } finally {
        redis.disconnect();
      }
    } catch (err) {
      const e = toErrorData(err);
      writeCommandError(io, `assetql workers`, err);
      return e.kind === 'BadInput' ? 2 : 1;
    }
  },
};
