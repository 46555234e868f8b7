import { join } from 'node:path';
import type { ComponentSpec, SdxlManifest } from '../../models/manifest.ts';
import type { ClipTokenizer } from '../clip/clip-tokenizer.ts';
import { loadTokenizer } from '../clip/load-tokenizer.ts';
import { loadOnnxModel, type LoadModelOptions, type OnnxModel } from '../onnx/onnx-model.ts';

/**
 * The sessions of one SDXL pack. Text encoders, UNet and VAE decoder load up front; the VAE
 * encoder and IP-Adapter projection only when a request needs them (they cost memory).
 */
export class SdxlPack {
  private vaeEncoderModel: Promise<OnnxModel> | null = null;
  private imageProjModel: Promise<OnnxModel> | null = null;

  private constructor(
    readonly dir: string,
    readonly manifest: SdxlManifest,
    readonly options: LoadModelOptions,
    readonly tokenizer: ClipTokenizer,
    readonly tokenizer2: ClipTokenizer,
    readonly textEncoder: OnnxModel,
    readonly textEncoder2: OnnxModel,
    readonly unet: OnnxModel,
    readonly vaeDecoder: OnnxModel,
  ) {}

  static async load(dir: string, manifest: SdxlManifest, options: LoadModelOptions): Promise<SdxlPack> {
    const c = manifest.components;
    const load = (spec: ComponentSpec, name: string): Promise<OnnxModel> => loadOnnxModel(join(dir, spec.file), `${manifest.id}/${name}`, options);
    // Sequential: parallel session creation multiplies peak memory on real packs.
    const tokenizer = await loadTokenizer(dir, manifest.tokenizer);
    const tokenizer2 = await loadTokenizer(dir, manifest.tokenizer_2);
    const te1 = await load(c.text_encoder, 'text_encoder');
    const te2 = await load(c.text_encoder_2, 'text_encoder_2');
    const unet = await load(c.unet, 'unet');
    const vae = await load(c.vae_decoder, 'vae_decoder');
    return new SdxlPack(dir, manifest, options, tokenizer, tokenizer2, te1, te2, unet, vae);
  }

  get providers(): readonly string[] {
    return this.options.providers;
  }

  vaeEncoder(): Promise<OnnxModel> | null {
    const spec = this.manifest.components.vae_encoder;
    if (!spec) return null;
    this.vaeEncoderModel ??= loadOnnxModel(join(this.dir, spec.file), `${this.manifest.id}/vae_encoder`, this.options);
    return this.vaeEncoderModel;
  }

  imageProj(): Promise<OnnxModel> | null {
    const spec = this.manifest.components.image_proj;
    if (!spec) return null;
    this.imageProjModel ??= loadOnnxModel(join(this.dir, spec.file), `${this.manifest.id}/image_proj`, this.options);
    return this.imageProjModel;
  }

  /** Sum of session run time across every loaded model (callers diff it around a request). */
  async runMs(): Promise<number> {
    return (await this.loaded()).reduce((sum, m) => sum + m.runMs, 0);
  }

  async release(): Promise<void> {
    await Promise.all((await this.loaded()).map((m) => m.release()));
  }

  private async loaded(): Promise<OnnxModel[]> {
    const lazy = await Promise.all([this.vaeEncoderModel, this.imageProjModel].map((p) => p?.catch(() => null) ?? null));
    return [this.textEncoder, this.textEncoder2, this.unet, this.vaeDecoder, ...lazy.filter((m): m is OnnxModel => m !== null)];
  }
}
