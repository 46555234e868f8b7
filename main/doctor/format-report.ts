import { formatBytes } from '../../models/downloader/format-bytes.ts';
import type { DoctorReport } from './run-doctor.ts';

const ms = (v: number | undefined): string => (v === undefined ? '?' : `${v.toFixed(1)} ms`);

/** The human form of `assetql doctor`. */
export function formatDoctorReport(r: DoctorReport): string {
  const lines: string[] = [];
  lines.push(`AssetQL doctor`);
  lines.push(`  platform      ${r.platform}/${r.arch} (${r.osRelease}), ${r.cpus} CPUs, ${formatBytes(r.totalMemBytes)} RAM`);
  lines.push(`  node          ${r.node}`);
  lines.push(`  onnxruntime   ${r.ortVersion}`);
  lines.push('');
  lines.push('Execution providers');
  for (const p of r.providers) {
    lines.push(`  ${p.available ? '✔' : '✘'} ${p.label.padEnd(24)} ${p.available ? 'available' : p.reason}`);
    // Native warnings captured during the probe are shown here only, never on other commands.
    if (p.nativeOutput) for (const l of p.nativeOutput.split('\n').slice(0, 6)) lines.push(`      ${p.label} said: ${l.trim()}`);
  }
  lines.push(`  → using ${r.resolved.chosen.join(' + ')}${r.resolved.fallbackReason ? ' (no GPU provider is usable: see the reasons above)' : ''}`);
  if (r.gpuHints.length) {
    lines.push('');
    lines.push('GPU hints');
    for (const h of r.gpuHints) lines.push(`  - ${h}`);
  }
  lines.push('');
  lines.push('Model packs');
  if (!r.packs.length) lines.push('  none installed: run `assetql models list` and `assetql models download <id>`');
  for (const p of r.packs) {
    lines.push(`  ${p.state === 'ok' ? '✔' : '✘'} ${p.id.padEnd(22)} ${p.state.padEnd(10)} ${formatBytes(p.bytes).padStart(9)}  ${p.dir}${p.testPack ? '  [test pack: random weights]' : ''}`);
    if (p.problem) lines.push(`      ${p.problem}`);
    if (p.providerProblem) lines.push(`      ${p.providerProblem}`);
  }
  const rec = r.recommendation;
  if (rec) lines.push('');
  if (rec) lines.push(`Recommended SDXL packs for ${rec.providerLabel}${rec.gpuMemoryBytes !== null ? ` with ${formatBytes(rec.gpuMemoryBytes)} GPU memory (${rec.gpuMemorySource})` : ''}`);
  for (const x of rec?.packs ?? []) {
    const how = x.action === 'installed' ? 'installed' : x.action === 'download' ? `assetql models download ${x.packId}` : `assetql models download ${x.buildFrom ?? '?'} && assetql models convert --fp16 ${x.buildFrom ?? '?'}`;
    lines.push(`  ${x.model.padEnd(14)} ${x.packId.padEnd(30)} ${how}`);
    lines.push(`      ${x.reason}${x.needBytes !== null ? `; needs about ${formatBytes(x.needBytes)} at its default size` : ''}`);
    for (const w of x.warnings) lines.push(`      ! ${w}`);
  }
  const cuda = r.cudaRuntime;
  if (cuda?.offered) {
    lines.push('');
    lines.push(`CUDA runtime (ONNX Runtime ${cuda.ortVersion} CUDA provider): ${cuda.active ? 'installed and active' : cuda.installed ? 'installed, but CUDA did not start — run `assetql gpu enable-cuda` to see why' : cuda.driverFound ? 'not installed — run `assetql gpu enable-cuda` (or Settings → GPU → Enable CUDA acceleration)' : 'not installed (no NVIDIA driver found)'}`);
  }
  if (r.smoke.length) {
    lines.push('');
    lines.push('Smoke run (random-weight SDXL test pack: text encode + 2 denoising steps + VAE decode; the image is noise)');
    for (const s of r.smoke) {
      lines.push(
        s.ok
          ? `  ✔ ${s.provider.padEnd(8)} total ${ms(s.totalMs)} (ORT ${ms(s.runMs)}, one step ${ms(s.stepMs)}, session load ${ms(s.loadMs)}) at ${s.width}×${s.height}`
          : `  ✘ ${s.provider.padEnd(8)} ${s.error ?? 'failed'}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
