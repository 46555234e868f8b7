import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * Where GPU runtimes the app installs for the user live (Enable CUDA acceleration), and which one
 * is active. A per-user folder outside the app's install location, because AppImage (read-only
 * squashfs) and deb (/opt, root-owned) installs cannot be written to, and shared by the desktop
 * app and the CLI so enabling once serves both.
 *
 * ONNX Runtime loads its CUDA provider from the folder that holds libonnxruntime.so itself (it
 * asks the dynamic loader where that library lives), and no session option names another folder;
 * so an installed runtime is a private copy of onnxruntime-node whose bin/ folder holds the
 * provider libraries next to its own libonnxruntime.so, loaded instead of the bundled one.
 */
export const ACTIVE_FILE = 'active.json';

export function runtimesRoot(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  const override = env['ASSETQL_RUNTIME_DIR'];
  if (override && isAbsolute(override)) return override;
  if (platform === 'win32') return join(env['LOCALAPPDATA'] ?? join(home, 'AppData', 'Local'), 'AssetQL', 'runtimes');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'AssetQL', 'runtimes');
  const xdg = env['XDG_DATA_HOME'];
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.local', 'share'), 'assetql', 'runtimes');
}

export interface ActiveRuntime {
  /** Folder with node_modules/onnxruntime-node (the private copy). */
  dir: string;
  ortVersion: string;
  provider: 'cuda';
}

/**
 * The active runtime, if one is installed for this exact onnxruntime-node version (after an app
 * update to a new version it is ignored until enabled again, rather than mixing versions).
 */
export function activeRuntime(root: string, ortVersion: string): ActiveRuntime | undefined {
  const file = join(root, ACTIVE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<ActiveRuntime>;
    if (typeof v.dir !== 'string' || v.ortVersion !== ortVersion || v.provider !== 'cuda') return undefined;
    if (!existsSync(join(v.dir, 'node_modules', 'onnxruntime-node', 'package.json'))) return undefined;
    return { dir: v.dir, ortVersion: v.ortVersion, provider: 'cuda' };
  } catch {
    return undefined;
  }
}

/** bin folder of the onnxruntime-node copy inside a runtime folder. */
export function runtimeBinDir(runtimeDir: string, platform: string = process.platform, arch: string = process.arch): string {
  return join(runtimeDir, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', platform, arch);
}
