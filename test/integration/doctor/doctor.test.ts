import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorCommand } from '../../../main/cli/commands/doctor.ts';
import type { CliIo } from '../../../main/cli/command.ts';
import { runDoctor, type DoctorReport } from '../../../main/doctor/run-doctor.ts';
import { formatDoctorReport } from '../../../main/doctor/format-report.ts';
import { detectProviders } from '../../../workers/onnx/providers.ts';

function fakeIo(cwd: string): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => (o += c.toString()));
  stderr.on('data', (c: Buffer) => (e += c.toString()));
  return { io: { stdout, stderr, cwd, env: {}, signal: new AbortController().signal }, out: () => o, err: () => e };
}

let root: string;
let report: DoctorReport;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'assetql-doctor-test-'));
  // One real detection for the whole file: each probe creates real ORT sessions.
  const providers = await detectProviders();
  report = await runDoctor({ dataDir: { models: join(root, 'models') }, smoke: true, providers });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runDoctor', () => {
  it('reports CPU as available with a positive smoke timing', () => {
    const cpu = report.providers.find((p) => p.name === 'cpu');
    expect(cpu?.available).toBe(true);
    const smoke = report.smoke.find((s) => s.provider === 'cpu');
    expect(smoke?.ok, smoke?.error).toBe(true);
    expect(smoke?.totalMs).toBeGreaterThan(0);
    expect(smoke?.runMs).toBeGreaterThan(0);
    expect(smoke?.loadMs).toBeGreaterThan(0);
    expect(smoke?.width).toBe(64);
    expect(report.ok).toBe(true);
  });

  it('explains every unavailable provider and smoke-runs exactly the available ones', () => {
    expect(report.providers.map((p) => p.name)).toEqual(['cuda', 'dml', 'coreml', 'webgpu', 'cpu']);
    for (const p of report.providers.filter((x) => !x.available)) expect(p.reason.length).toBeGreaterThan(5);
    expect(report.smoke.map((s) => s.provider).sort()).toEqual(report.providers.filter((p) => p.available).map((p) => p.name).sort());
    if (process.platform === 'linux') {
      expect(report.providers.find((p) => p.name === 'dml')?.reason).toBe('DirectML is Windows-only');
      expect(report.providers.find((p) => p.name === 'coreml')?.reason).toBe('CoreML is macOS-only');
    }
    expect(report.resolved.chosen.at(-1)).toBe('cpu');
    expect(report.ortVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.node).toBe(process.version);
  });

  it('formats a human report naming providers, reasons and timings', () => {
    const text = formatDoctorReport(report);
    expect(text).toContain('Execution providers');
    expect(text).toMatch(/✔ CPU\s+available/);
    expect(text).toMatch(/✔ cpu\s+total \d+\.\d ms/);
    expect(text).toContain('the image is noise');
  });
});

describe('assetql doctor', () => {
  it('--json --no-smoke prints a machine-readable report and lists installed packs', async () => {
    const { io, out } = fakeIo(root);
    const code = await doctorCommand.run(['--json', '--no-smoke', '--data-dir', join(root, 'data')], io);
    expect(code).toBe(0);
    const json = JSON.parse(out()) as DoctorReport;
    expect(json.providers.find((p) => p.name === 'cpu')?.available).toBe(true);
    expect(json.smoke).toEqual([]);
    expect(json.packs).toEqual([]);
  });

  it('rejects unknown flags with usage and exit code 2', async () => {
    const { io, err } = fakeIo(root);
    expect(await doctorCommand.run(['--bogus'], io)).toBe(2);
    expect(err()).toContain('assetql doctor [--json]');
  });
});
