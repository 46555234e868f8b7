import { create } from 'zustand';
import type { BatchConfig, BatchConfigInput, CsvReport, PromptPlan, RefImageReport, Settings } from '../../../preload/api.ts';

export type StyleMode = 'on' | 'off' | 'locked';
export type StyleKey = keyof PromptPlan['style'];

export interface RefFile { uploadId: string; name: string; previewUrl: string }

/** The form edits the fields of the contract's BatchConfig (same names, same limits); packId null = the default pack. */
export type FormConfig = Pick<BatchConfig, 'width' | 'height' | 'steps' | 'guidance' | 'sampler' | 'seed' | 'retries' | 'concurrency' | 'candidates' | 'lowConfidence' | 'polish' | 'thresholds' | 'loras'> & { packId: string | null };

export const DEFAULT_CONFIG: FormConfig = {
  width: 1024,
  height: 1024,
  steps: 30,
  guidance: 7,
  sampler: 'euler',
  seed: { mode: 'random', base: 1 },
  packId: null,
  retries: 3,
  concurrency: 1,
  candidates: 1,
  lowConfidence: 'continue',
  polish: false,
  thresholds: { style: 0.85, clip: 0.85, colour: 15, edge: 0.8, preflight: 0.75 },
  loras: [],
};

/** What batches.create receives: the form's fields, the default pack left to the core. */
export function configInput(c: FormConfig): BatchConfigInput {
  const { packId, ...rest } = c;
  return packId ? { ...rest, packId } : rest;
}

interface NewBatchState {
  name: string;
  csv: CsvReport | null;
  csvName: string | null;
  refs: RefFile[];
  refReports: RefImageReport[];
  mode: 'column' | 'template';
  promptColumn: string | null;
  template: string;
  negativePrompt: string;
  style: Record<StyleKey, StyleMode>;
  profileId: string | null;
  config: FormConfig;
  configFromSettings: boolean;
  set(patch: Partial<NewBatchState>): void;
  setConfig(patch: Partial<FormConfig>): void;
  applySettings(s: Settings): void;
  reset(): void;
}

const initial = {
  name: '',
  csv: null,
  csvName: null,
  refs: [],
  refReports: [],
  mode: 'template' as const,
  promptColumn: null,
  template: '',
  negativePrompt: 'blurry, low quality, watermark, text',
  style: { colours: 'on', lighting: 'on', composition: 'on', medium: 'on' } as Record<StyleKey, StyleMode>,
  profileId: null,
  config: DEFAULT_CONFIG,
  configFromSettings: false,
};

/** The New batch form survives navigating away and back (the user may check Brand DNA mid-way). */
export const useNewBatch = create<NewBatchState>((set, get) => ({
  ...initial,
  set(patch) {
    set(patch);
  },
  setConfig(patch) {
    set({ config: { ...get().config, ...patch } });
  },
  applySettings(s) {
    if (get().configFromSettings) return;
    set({
      configFromSettings: true,
      config: { ...get().config, thresholds: { ...s.thresholds }, packId: s.defaultPackId, polish: s.claude.polish },
    });
  },
  reset() {
    for (const r of get().refs) URL.revokeObjectURL(r.previewUrl);
    set({ ...initial, configFromSettings: get().configFromSettings, config: get().config });
  },
}));

/** The plan sent to intake.preview and batches.create, derived from the form. */
export function planOf(s: NewBatchState): PromptPlan | null {
  if (!s.csv) return null;
  return {
    csvUploadId: s.csv.uploadId,
    promptColumn: s.mode === 'column' ? s.promptColumn : null,
    template: s.mode === 'template' ? s.template : null,
    negativePrompt: s.negativePrompt,
    style: s.style,
    profileId: s.profileId,
    refUploadIds: s.refs.map((r) => r.uploadId),
  };
}
