// Entry file: re-exports only.
export { downloadFile, type DownloadFileOptions, type DownloadFileResult } from './download-file.ts';
export { hubHead, pinRevision, type HubFileInfo } from './hub-head.ts';
export { readSource, SOURCE_FILE, type PackSource } from './hub-source.ts';
export { downloadPack, DIGESTS_FILE, readDigests, type DownloadPackOptions, type DownloadPackResult, type DownloadedFile } from './download-pack.ts';
export { ProgressTracker, type DownloadProgress } from './progress.ts';
export { ensureFreeSpace, freeBytesAt, type FreeSpaceFn } from './disk-space.ts';
export { sha256File } from './hash-file.ts';
export { formatBytes, formatDuration } from './format-bytes.ts';
export { partPath, sidecarPath } from './part-sidecar.ts';
