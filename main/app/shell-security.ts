import { resolveInside } from '../core/safe-path.ts';
import { contentSecurityPolicy } from '../server/content-security.ts';

/**
 * The Electron shell's security settings as plain data and pure decisions, so a test can check
 * Electron's security checklist without launching Electron (test/unit/app/shell-security.test.ts).
 * window.ts, protocols.ts, ipc.ts and main.ts only wire these into Electron. No electron import
 * at all (its types are not installed everywhere): the shapes below are the subset of Electron's
 * BrowserWindowConstructorOptions we set, and window.ts passing them to BrowserWindow is
 * typechecked against Electron's real types by `npm run typecheck` (tsconfig.electron.json).
 */

export interface ShellWebPreferences {
  contextIsolation: boolean;
  sandbox: boolean;
  nodeIntegration: boolean;
  nodeIntegrationInWorker: boolean;
  nodeIntegrationInSubFrames: boolean;
  webSecurity: boolean;
  allowRunningInsecureContent: boolean;
  webviewTag: boolean;
  experimentalFeatures: boolean;
  navigateOnDragDrop: boolean;
  spellcheck: boolean;
  preload?: string;
}

export interface ShellWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  backgroundColor: string;
  show: boolean;
  title: string;
  webPreferences: ShellWebPreferences;
}

/** app:// serves the built renderer; asset:// serves the library (and nothing outside it). */
export const APP_ORIGIN = 'app://renderer';
export const ASSET_ORIGIN = 'asset://library';

export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const satisfies ShellWebPreferences;

export function mainWindowOptions(preloadPath: string): ShellWindowOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 1280,
    minHeight: 800,
    backgroundColor: '#111317',
    show: false,
    title: 'AssetQL',
    webPreferences: { ...WEB_PREFERENCES, preload: preloadPath },
  };
}

/** True only for a page of our own renderer (same scheme and host; not a look-alike host). */
export function isAppUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'app:' && url.host === 'renderer';
  } catch {
    return false;
  }
}

/** will-navigate / will-redirect: stay inside the app, always. */
export function allowNavigation(url: string): boolean {
  return isAppUrl(url);
}

/** window.open and target=_blank: never a new Electron window; https links go to the user's browser. */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: boolean } {
  let external = false;
  try {
    external = new URL(url).protocol === 'https:';
  } catch {
    external = false;
  }
  return { action: 'deny', openExternally: external };
}

/** Camera, microphone, notifications, geolocation…: an image tool needs none, so every request is refused. */
export function allowPermission(_permission: string): boolean {
  return false;
}

/** Only our own top-level page may call the API: a navigated, embedded or foreign frame may not. */
export function isTrustedIpcSender(sender: { url: string; isMainFrame: boolean } | null): boolean {
  return sender !== null && sender.isMainFrame && isAppUrl(sender.url);
}

export type ProtocolFile = { file: string; csp?: string } | { status: 403 | 404 };

/** app://renderer/<path> → a file of the built renderer (the page gets the app's CSP). */
export function resolveAppRequest(rawUrl: string, rendererDir: string): ProtocolFile {
  const url = new URL(rawUrl);
  if (url.host !== 'renderer') return { status: 404 };
  try {
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = resolveInside(rendererDir, rel);
    return file.endsWith('.html') ? { file, csp: contentSecurityPolicy() } : { file };
  } catch {
    return { status: 403 };
  }
}

/**
 * asset://library/<path> → a file of the library, never outside it: `..`, absolute paths, bad
 * %-escapes and symlinks whose target leaves the library are refused (resolveInside checks the
 * real path).
 */
export function resolveAssetRequest(rawUrl: string, libraryDir: string): ProtocolFile {
  const url = new URL(rawUrl);
  if (url.host !== 'library') return { status: 404 };
  try {
    return { file: resolveInside(libraryDir, decodeURIComponent(url.pathname.slice(1))) };
  } catch {
    return { status: 403 };
  }
}

/** Headers on every asset:// response: nothing from the library runs as a page. */
export const ASSET_RESPONSE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'",
} as const;
