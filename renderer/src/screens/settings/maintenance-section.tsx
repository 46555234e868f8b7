import { useState } from 'react';
import type { DatabaseCheckResult, RebuildIndexResult } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { attempt } from '../../store/toasts.ts';

/**
 * Check the database (full integrity check, `assetql doctor --db`) and rebuild the library index
 * from the images' embedded recipes (`assetql library rebuild`).
 */
export function MaintenanceSection() {
  const [check, setCheck] = useState<DatabaseCheckResult | null>(null);
  const [rebuild, setRebuild] = useState<RebuildIndexResult | null>(null);
  const [busy, setBusy] = useState<'check' | 'rebuild' | null>(null);
  const run = async <T,>(what: 'check' | 'rebuild', fn: () => Promise<T | null>): Promise<void> => {
    setBusy(what);
    try {
      await fn();
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="card stack" data-testid="maintenance">
      <h2>Maintenance</h2>
      <div className="row gap">
        <button
          className="btn"
          disabled={busy !== null}
          onClick={() =>
            void run('check', async () => {
              const r = await attempt('Check database', () => call('app.checkDatabase', {}), (v) => (v.ok ? `Database is sound (${v.ms} ms)` : 'Database check found problems'));
              if (r) setCheck(r);
              return r;
            })
          }
        >
          {busy === 'check' ? 'Checking…' : 'Check database'}
        </button>
        <button
          className="btn"
          disabled={busy !== null}
          onClick={() =>
            void run('rebuild', async () => {
              const r = await attempt('Rebuild library index', () => call('library.rebuildIndex', {}), (v) => `Rebuilt: ${v.restored} restored, ${v.alreadyIndexed} already indexed`);
              if (r) setRebuild(r);
              return r;
            })
          }
        >
          {busy === 'rebuild' ? 'Rebuilding…' : 'Rebuild library index'}
        </button>
      </div>
      <p className="small muted">
        Rebuild re-creates library entries for images whose database rows are missing, from the recipe stored in each PNG. Existing entries are not changed.
      </p>
      {check ? (
        <p className="small" data-testid="db-check">
          {check.ok ? `Integrity check: ok in ${check.ms} ms (${(check.bytes / 1e6).toFixed(1)} MB).` : `Integrity check failed: ${check.problems.slice(0, 3).join('; ')}`}
        </p>
      ) : null}
      {rebuild ? (
        <p className="small" data-testid="rebuild-result">
          {`${rebuild.scanned} images found: ${rebuild.restored} restored, ${rebuild.alreadyIndexed} already indexed, ${rebuild.skipped.length} skipped.`}
        </p>
      ) : null}
    </div>
  );
}
