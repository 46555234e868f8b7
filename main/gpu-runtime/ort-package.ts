import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { AppError } from '../core/app-error.ts';

/**
 * What onnxruntime-node's own `install:cuda` would fetch for this platform, read from the
 * installed package's script/install-metadata.js (so an onnxruntime-node update changes the
 * package version and file list here too): the NuGet package name and version, the feed, and
 * which files inside the .nupkg go into the runtime's bin/ folder.
 */
export interface CudaPackageSpec {
  packageName: string;
  version: string;
  feedIndex: string;
  /** bin/ file name → path inside the .nupkg */
  files: Array<{ name: string; pathInPackage: string }>;
  ortVersion: string;
  ortDir: string;
}

interface Metadata {
  requirements: Record<string, string[]>;
  manifests: Record<string, Record<string, { package: string; path: string }>>;
  packages: Record<string, { name: string; versions: Array<{ feed: string; version: string }> }>;
  feeds: Record<string, { type: string; index: string }>;
}

export function cudaPackageSpec(platform: string = process.platform, arch: string = process.arch): CudaPackageSpec {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve('onnxruntime-node/package.json');
  const ortVersion = (require(pkgJson) as { version: string }).version;
  let meta: Metadata;
  try {
    meta = require('onnxruntime-node/script/install-metadata.js') as Metadata;
  } catch (err) {
    throw new AppError('Unavailable', `this onnxruntime-node ${ortVersion} has no install metadata (${(err as Error).message}); CUDA cannot be enabled from the app`);
  }
  const key = `${platform}/${arch}`;
  const manifestName = meta.requirements[key]?.find((m) => m.startsWith('cuda'));
  const manifest = manifestName ? meta.manifests[`${key}:${manifestName}`] : undefined;
  if (!manifest) {
    throw new AppError('Unavailable', platform === 'win32'
      ? 'CUDA is not offered for Windows by this ONNX Runtime; DirectML (built in) uses the NVIDIA GPU instead'
      : `ONNX Runtime publishes no CUDA provider for ${key}; CUDA acceleration needs Linux x64 with an NVIDIA GPU`);
  }
  const files = Object.entries(manifest).map(([name, v]) => ({ name: name.replace(/^\.\//, ''), pathInPackage: v.path, pkg: v.package }));
  const pkg = meta.packages[files[0]!.pkg];
  const version = pkg?.versions[0];
  const feed = version ? meta.feeds[version.feed] : undefined;
  if (!pkg || !version || !feed || feed.type !== 'nuget') throw new AppError('Unavailable', `onnxruntime-node ${ortVersion}: install metadata names no NuGet package for ${key}`);
  return {
    packageName: pkg.name,
    version: version.version,
    feedIndex: feed.index,
    files: files.map(({ name, pathInPackage }) => ({ name, pathInPackage })),
    ortVersion,
    ortDir: dirname(pkgJson),
  };
}
