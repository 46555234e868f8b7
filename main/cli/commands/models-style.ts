import { resolve } from 'node:path';
import type { CliIo } from '../command.ts';
import { parseFlags } from '../parse-flags.ts';
import { openAppContext } from '../../core/app-context.ts';
import { AppError, toErrorData } from '../../core/app-error.ts';
import { formatBytes } from '../../../models/downloader/index.ts';
import { escapeTerminalText } from '../terminal-text.ts';
import { importCheckpointPack } from '../../style-weights/import-checkpoint-pack.ts';
import { installIpAdapterPack } from '../../style-weights/install-ip-adapter-pack.ts';
import { importLora, listLoras, removeLora } from '../../style-weights/lora-registry.ts';
import { evictVariants, listVariants, setVariantLimit, variantLimit } from '../../style-weights/lora-variants.ts';

/** `assetql models import …` and `assetql models lora …`. */
export async function runModelsStyle(argv: string[], io: CliIo, usage: string): Promise<number> {
  const parsed = parseFlags({ name: 'models', usage }, argv, io, {
    json: { type: 'boolean' },
    'data-dir': { type: 'string' },
    base: { type: 'string' },
    name: { type: 'string' },
    clear: { type: 'boolean' },
    limit: { type: 'string' },
    'head-dim': { type: 'string' },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [sub, action, arg] = positionals;
  const label = sub === 'import' ? 'import' : `${sub ?? ''} ${action ?? ''}`.trim();
  const ctx = openAppContext(values['data-dir']);
  const out = (obj: unknown, text: string): void => void io.stdout.write(values.json ? `${JSON.stringify(obj)}\n` : text);
  try {
    if (sub === 'import') {
      const file = resolve(io.cwd, need(action, 'checkpoint file'));
      const base = need(values.base, '--base <sdxl pack>');
      let done = 0;
      let shown = 0;
      const r = await importCheckpointPack(ctx.db, ctx.dataDir, {
        checkpoint: file,
        baseId: base,
        ...(values.name ? { name: values.name } : {}),
        onBytes: (n) => {
          done += n;
          if (!values.json && done - shown > 256 * 1024 ** 2) {
            shown = done;
            io.stderr.write(`  wrote ${formatBytes(done)}\n`);
          }
        },
      });
      const lines = [
        `Imported ${r.name} as pack ${r.packId} in ${r.dir}`,
        `  ${r.mapped} tensors written (layouts: ${Object.entries(r.layouts).map(([c, l]) => `${c} ${l}`).join(', ')}), ${r.keptFromBase} pack parameters kept from ${base}`,
        `  smoke generation: ${r.smoke.width}×${r.smoke.height} in ${Math.round(r.smoke.totalMs ?? 0)} ms on the CPU`,
        ...(r.unmapped.length ? [`  ${r.unmapped.length} checkpoint tensors not used:`, ...r.unmapped.map((u) => `    ${escapeTerminalText(u.key)}: ${u.reason}`)] : []),
        ...(r.mismatched.length ? [`  ${r.mismatched.length} shape mismatches (kept the base's weights):`, ...r.mismatched.map((m) => `    ${escapeTerminalText(m.key)} [${m.checkpointShape.join('×')}] → ${m.target} [${m.packShape.join('×')}]`)] : []),
      ];
      out({ ok: true, ...r }, `${lines.join('\n')}\n`);
      return 0;
    }
    if (sub === 'ip-adapter') {
      if (action !== 'install') throw new AppError('BadInput', `unknown ip-adapter action "${action ?? ''}"; use install`);
      const r = await installIpAdapterPack(ctx.db, ctx.dataDir, {
        adapter: resolve(io.cwd, need(arg, 'IP-Adapter file')),
        baseId: need(values.base, '--base <sdxl pack>'),
        ...(values.name ? { name: values.name } : {}),
        ...(values['head-dim'] ? { headDim: Number(values['head-dim']) } : {}),
      });
      out({ ok: true, ...r }, `Installed pack ${r.packId} in ${r.dir}: ${r.layers} cross-attention layers with IP-Adapter (${r.tokens} image tokens from ${r.embedDim}-d image embeddings)\n`);
      return 0;
    }
    if (sub !== 'lora') throw new AppError('BadInput', `unknown subcommand "${sub}"`);
    switch (action) {
      case 'import': {
        const rec = await importLora(ctx.db, ctx.dataDir, resolve(io.cwd, need(arg, 'LoRA file')), values.name);
        out({ ok: true, lora: rec }, `Imported LoRA ${escapeTerminalText(rec.name)} (${rec.layers} layer${rec.layers === 1 ? '' : 's'}, ${formatBytes(rec.bytes)})${rec.triggerWords.length ? `; trigger words: ${escapeTerminalText(rec.triggerWords.join(', '))}` : ''}\n`);
        return 0;
      }
      case 'list': {
        const list = listLoras(ctx.db, ctx.dataDir);
        out({ ok: true, loras: list }, list.length ? `${list.map((l) => `  ${escapeTerminalText(l.name).padEnd(28)} ${String(l.layers).padStart(4)} layer${l.layers === 1 ? ' ' : 's'} ${formatBytes(l.bytes).padStart(10)}  ${l.id}${l.triggerWords.length ? `  [${escapeTerminalText(l.triggerWords.join(', '))}]` : ''}`).join('\n')}\n` : 'No LoRAs imported. Add one with `assetql models lora import <file.safetensors>`.\n');
        return 0;
      }
      case 'remove': {
        const rec = await removeLora(ctx.db, ctx.dataDir, need(arg, 'LoRA id or name'));
        out({ ok: true, removed: rec.id }, `Removed LoRA ${escapeTerminalText(rec.name)}\n`);
        return 0;
      }
      case 'cache': {
        if (values.limit !== undefined) setVariantLimit(ctx.db, Number(values.limit) * 1024 ** 3);
        if (values.clear) await evictVariants(ctx.db, ctx.dataDir, 0);
        else if (values.limit !== undefined) await evictVariants(ctx.db, ctx.dataDir, variantLimit(ctx.db));
        const list = listVariants(ctx.db, ctx.dataDir);
        const total = list.reduce((n, v) => n + v.bytes, 0);
        out(
          { ok: true, limitBytes: variantLimit(ctx.db), totalBytes: total, variants: list },
          `LoRA variant cache: ${formatBytes(total)} of ${formatBytes(variantLimit(ctx.db))}\n${list.map((v) => `  ${v.packId} + ${v.loras.map((l) => `${escapeTerminalText(l.name)} ×${l.scale}`).join(', ')}  ${formatBytes(v.bytes)}  last used ${new Date(v.lastUsedAt).toISOString()}`).join('\n')}${list.length ? '\n' : ''}`,
        );
        return 0;
      }
      default:
        throw new AppError('BadInput', `unknown lora action "${action ?? ''}"; use import, list, remove or cache`);
    }
  } catch (err) {
    const e = toErrorData(err);
    if (values.json) io.stdout.write(`${JSON.stringify({ ok: false, error: e })}\n`);
    io.stderr.write(`assetql models ${label}: ${e.kind}: ${escapeTerminalText(e.message)}\n`);
    return e.kind === 'BadInput' ? 2 : 1;
  } finally {
    ctx.close();
  }
}

function need(v: string | undefined, what: string): string {
  if (!v) throw new AppError('BadInput', `missing ${what}; see \`assetql models --help\``);
  return v;
}
