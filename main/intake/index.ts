/** Public surface of batch intake (CSV, references, config, templates, pre-flight, hot folder). */
export { parseCsv, readCsvFile, type ParseCsvOptions } from './csv/parse-csv.ts';
export { MAX_DATA_ROWS, type CsvParseResult, type ParsedRow, type CsvIssue, type CsvEncoding, type CsvDelimiter } from './csv/types.ts';
export { loadReferences, loadReferenceDir, loadReference, type LoadedReference, type LoadReferencesResult } from './references/load-references.ts';
export { BatchConfig, batchConfigSchema, parseBatchConfig, serialiseBatchConfig, SAMPLERS, type BatchConfigInput, type Sampler, type StyleInjection } from './config/batch-config.ts';
export { packLimits, SDXL_BUCKETS, SDXL_LIMITS, type PackLimits, type ImageSize } from './config/pack-limits.ts';
export { compileTemplate, renderCompiled, renderTemplate, type CompiledTemplate } from './template/render-template.ts';
export { buildPrompts, previewPrompts, type BuiltPrompt, type BuildPromptsOptions, type BuildPromptsResult } from './template/build-prompts.ts';
export { assembleNegativePrompt, QUALITY_NEGATIVES } from './template/negative-prompt.ts';
export { styleTerms, STYLE_ATTRIBUTES, EMPTY_STYLE_KEYWORDS, type StyleKeywords, type StyleAttribute } from './template/style-terms.ts';
export { preflight, type PreflightResult, type PreflightRow, type DeltaReport, type MissingAttribute, type PreflightOptions } from './preflight/preflight.ts';
export type { PreflightStyle } from './preflight/preflight-style.ts';
export { saveDeltaReports, listDeltaReports, resolveDeltaReport, type StoredDeltaReport, type DeltaStatus } from './preflight/delta-repo.ts';
export { preflightStyleFromProfile } from './style-from-profile.ts';
export { startHotFolder, type HotFolder, type HotFolderOptions, type HotFolderBatchRequest, type HotFolderEvent } from './hot-folder/hot-folder.ts';
