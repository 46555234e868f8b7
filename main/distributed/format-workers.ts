import type { WorkerAd } from './worker-registry.ts';

/** Plain-text table for `assetql workers`; control characters from Redis are stripped. */
export function formatWorkersTable(workers: WorkerAd[], now = Date.now()): string {
  if (workers.length === 0) return 'No workers connected.';
  const clean = (s: string): string => s.replace(/[\p{Cc}\p{Cf}]/gu, '');
  const rows = workers.map((w) => [
    clean(w.host) + (w.local ? ' (coordinator)' : ''),
    clean(w.provider),
    w.gpu ? `${clean(w.gpu)}${w.gpuMemoryMb ? ` ${Math.round(w.gpuMemoryMb / 1024)} GB` : ''}` : '—',
    [
      ...w.packs.map((p) => `${clean(p.packId)}@${clean(p.hash).slice(0, 8)}`),
      ...(w.variants ?? []).map((v) => `${clean(v.packId)}@${clean(v.hash).slice(0, 8)}+${v.loras.map((l) => `${clean(l.name)}×${l.scale}`).join('+')}`),
      ...(w.clipPacks ?? []).map((p) => `clip:${clean(p.packId)}@${clean(p.hash).slice(0, 8)}`),
    ].join(', '),
    w.currentJob ? `row ${w.currentJob.rowIndex} of ${clean(w.currentJob.batchId).slice(0, 8)}` : 'idle',
    String(w.imagesPerMin),
    `${Math.max(0, Math.round((now - w.lastHeartbeat) / 1000))} s ago`,
  ]);
  const head = ['HOST', 'PROVIDER', 'GPU', 'PACKS', 'CURRENT JOB', 'IMG/MIN', 'HEARTBEAT'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}
