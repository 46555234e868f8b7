import { useEffect, useState } from 'react';
import type { DistributedCheckDto, DistributedSettingsDto } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { useRequest } from '../../hooks/use-request.ts';
import { attempt } from '../../store/toasts.ts';

/**
 * Settings → Distributed: Redis and the object store that GPU workers (`assetql worker`) share
 * with this machine. URLs carry passwords, so the saved ones come back redacted and an empty
 * field keeps what is stored. A saved change is applied in the running app: remote attempts in
 * flight finish first (or go back to the queue after a minute), and the screen says so meanwhile.
 */
export function DistributedSection() {
  const cfg = useRequest('distributed.get', {});
  const [form, setForm] = useState<{ enabled: boolean; generateLocally: boolean; maxInFlight: number; redisUrl: string; storeUrl: string } | null>(null);
  const [check, setCheck] = useState<DistributedCheckDto | null>(null);
  useEffect(() => {
    if (cfg.data && !form) setForm({ enabled: cfg.data.enabled, generateLocally: cfg.data.generateLocally, maxInFlight: cfg.data.maxInFlight, redisUrl: '', storeUrl: '' });
  }, [cfg.data, form]);
  const d: DistributedSettingsDto | null = cfg.data;
  // While a change is being applied, re-read the state every second until it settles.
  const applying = d?.applying ?? null;
  const { setData } = cfg;
  useEffect(() => {
    if (!applying) return;
    const t = setInterval(() => void call('distributed.get', {}).then(setData, () => undefined), 1000);
    return () => clearInterval(t);
  }, [applying, setData]);
  const save = async (): Promise<void> => {
    if (!form) return;
    const r = await attempt('Save distributed settings', () => call('distributed.save', form), (x) => (x.applying ? 'Saved: applying now' : 'Saved and applied'));
    if (r) {
      cfg.setData(r);
      setForm({ ...form, redisUrl: '', storeUrl: '' });
    }
  };
  const runCheck = async (): Promise<void> => {
    const r = await attempt('Check Redis and store', () => call('distributed.check', {}));
    if (r) setCheck(r);
  };
  return (
    <div className="card stack" data-testid="distributed-settings">
      <h2>Distributed</h2>
      <p className="small muted">
        Spread batches over GPU machines running <code>assetql worker</code>. They share a Redis server (job queue) and an S3-compatible bucket (images in transit). See the README, “Several GPU machines”.
      </p>
      {d ? (
        <p className="small" role="status" data-testid="distributed-state">
          {d.applying ? (
            <span className="badge tone-warn">applying</span>
          ) : d.active ? (
            <span className="badge tone-ok">coordinating</span>
          ) : d.activeError ? (
            <span className="badge tone-bad">not connected: {d.activeError}</span>
          ) : (
            <span className="badge">off</span>
          )}{' '}
          {d.applying ?? null}
          {d.pinnedByFlags ? <span className="muted"> This server was started with --redis/--store: those URLs stay in use until it is restarted without them.</span> : null}
        </p>
      ) : null}
      {form ? (
        <>
          <label className="field">
            <span className="row gap">
              <input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} /> Send generation to workers
            </span>
          </label>
          <label className="field wide">
            <span className="field-label">Redis URL {d?.redisUrl ? <span className="muted small">saved: {d.redisUrl}</span> : null}</span>
            <input className="input" type="password" autoComplete="off" placeholder="redis://:password@host:6379 or rediss://… (empty keeps the saved one)" value={form.redisUrl} onChange={(e) => setForm({ ...form, redisUrl: e.target.value })} />
          </label>
          <label className="field wide">
            <span className="field-label">Store URL {d?.storeUrl ? <span className="muted small">saved: {d.storeUrl}</span> : null}</span>
            <input className="input" type="password" autoComplete="off" placeholder="https://KEY:SECRET@host:9000/bucket/prefix or s3://KEY:SECRET@bucket" value={form.storeUrl} onChange={(e) => setForm({ ...form, storeUrl: e.target.value })} />
          </label>
          <label className="field">
            <span className="row gap">
              <input type="checkbox" checked={form.generateLocally} onChange={(e) => setForm({ ...form, generateLocally: e.target.checked })} /> This machine generates too
            </span>
          </label>
          <label className="field">
            <span className="field-label">Jobs in flight</span>
            <input className="input" type="number" min={1} max={256} value={form.maxInFlight} onChange={(e) => setForm({ ...form, maxInFlight: Math.max(1, Math.min(256, Number(e.target.value) || 1)) })} />
            <span className="field-hint">The most attempts queued for workers at once; the app keeps about 2 per live worker slot, up to this.</span>
          </label>
          <span className="row gap">
            <button className="btn primary" onClick={() => void save()}>
              Save
            </button>
            <button className="btn" onClick={() => void runCheck()}>
              Check Redis and store
            </button>
          </span>
          {check ? (
            <ul className="small" data-testid="distributed-check">
              <li>
                <span className={check.redis.ok ? 'badge tone-ok' : 'badge tone-bad'}>Redis</span> {check.redis.message}
              </li>
              <li>
                <span className={check.store.ok ? 'badge tone-ok' : 'badge tone-bad'}>Store</span> {check.store.message}
              </li>
            </ul>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
