import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allowNavigation,
  allowPermission,
  ASSET_RESPONSE_HEADERS,
  isTrustedIpcSender,
  mainWindowOptions,
  resolveAppRequest,
  resolveAssetRequest,
  windowOpenDecision,
} from '../../../main/app/shell-security.ts';

/**
 * Electron's security checklist, asserted on the shell's own configuration without launching
 * Electron: shell-security.ts holds the settings and decisions as plain data and functions, and
 * the Electron files are checked to wire exactly those in.
 */
const source = (file: string): string => readFileSync(resolve('main/app', file), 'utf8');

describe('Electron shell security checklist', () => {
  it('window: context isolation, sandbox, no Node integration, web security, no webview, the preload', () => {
    const opts = mainWindowOptions('/app/preload.cjs');
    expect(opts.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      preload: '/app/preload.cjs',
    });
  });

  it('navigation stays inside the app; window.open is always denied (https goes to the browser)', () => {
    expect(allowNavigation('app://renderer/index.html#/library')).toBe(true);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://renderer.evil/x', 'asset://library/x.png', 'javascript:alert(1)', 'not a url', 'http://127.0.0.1:1/']) {
      expect(allowNavigation(url), url).toBe(false);
    }
    expect(windowOpenDecision('https://docs.example/')).toEqual({ action: 'deny', openExternally: true });
    for (const url of ['http://plain.example/', 'file:///etc/passwd', 'app://renderer/x', 'javascript:alert(1)', 'smb://share/x']) {
      expect(windowOpenDecision(url), url).toEqual({ action: 'deny', openExternally: false });
    }
  });

  it('every permission request is refused', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'usb', 'hid', 'serial']) expect(allowPermission(p), p).toBe(false);
  });

  it('IPC is answered only for our own top-level page', () => {
    expect(isTrustedIpcSender({ url: 'app://renderer/index.html', isMainFrame: true })).toBe(true);
    expect(isTrustedIpcSender({ url: 'app://renderer/index.html', isMainFrame: false })).toBe(false);
    expect(isTrustedIpcSender({ url: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(isTrustedIpcSender({ url: 'app://renderer.evil/', isMainFrame: true })).toBe(false);
    expect(isTrustedIpcSender(null)).toBe(false);
  });

  it('the app page gets the CSP: scripts only from the app, no eval, no objects, no framing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aq-shell-r-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    const page = resolveAppRequest('app://renderer/index.html', dir);
    expect('csp' in page && page.csp).toMatch(/script-src 'self'(;|$)/);
    const csp = 'csp' in page ? (page.csp ?? '') : '';
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(resolveAppRequest('app://renderer/..%2F..%2Fetc%2Fpasswd', dir)).toEqual({ status: 403 });
    expect(resolveAppRequest('app://other/index.html', dir)).toEqual({ status: 404 });
  });

  it('asset:// is confined to the library, symlinks included, and its files cannot run as pages', () => {
    const root = mkdtempSync(join(tmpdir(), 'aq-shell-l-'));
    const lib = join(root, 'library');
    mkdirSync(join(lib, 'thumbs'), { recursive: true });
    writeFileSync(join(lib, 'thumbs', 'a.png'), 'png');
    writeFileSync(join(root, 'secret.txt'), 'outside');
    symlinkSync(join(root, 'secret.txt'), join(lib, 'link.txt'));
    symlinkSync(root, join(lib, 'outside-dir'));
    symlinkSync(join(lib, 'thumbs'), join(lib, 'inside-dir'));
    expect(resolveAssetRequest('asset://library/thumbs/a.png', lib)).toEqual({ file: join(lib, 'thumbs', 'a.png') });
    expect(resolveAssetRequest('asset://library/inside-dir/a.png', lib)).toEqual({ file: join(lib, 'thumbs', 'a.png') });
    for (const url of ['asset://library/..%2Fsecret.txt', 'asset://library/link.txt', 'asset://library/outside-dir/secret.txt', 'asset://library/%2Fetc%2Fpasswd', 'asset://library/%E0%A4%A', 'asset://library/a%00b']) {
      expect(resolveAssetRequest(url, lib), url).toEqual({ status: 403 });
    }
    expect(resolveAssetRequest('asset://elsewhere/thumbs/a.png', lib)).toEqual({ status: 404 });
    expect(ASSET_RESPONSE_HEADERS['x-content-type-options']).toBe('nosniff');
    expect(ASSET_RESPONSE_HEADERS['content-security-policy']).toMatch(/^sandbox;/);
  });

  it('the Electron files wire exactly these settings in', () => {
    const win = source('window.ts');
    expect(win).toContain('new BrowserWindow(mainWindowOptions(preloadPath))');
    expect(win).toMatch(/'will-navigate'[\s\S]*allowNavigation/);
    expect(win).toMatch(/'will-redirect'[\s\S]*allowNavigation/);
    expect(win).toMatch(/setWindowOpenHandler[\s\S]*windowOpenDecision/);
    const main = source('main.ts');
    expect(main).toMatch(/setPermissionRequestHandler\([^)]*\) => callback\(allowPermission\(permission\)\)\)/);
    expect(main).toMatch(/setPermissionCheckHandler\([^)]*\) => allowPermission\(permission\)\)/);
    expect(main).toContain("contents.on('will-attach-webview', (event) => event.preventDefault())");
    const protocols = source('protocols.ts');
    expect(protocols).toContain('resolveAppRequest(request.url, rendererDir)');
    expect(protocols).toContain('resolveAssetRequest(request.url, libraryDir)');
    expect(source('ipc.ts')).toContain('isTrustedIpcSender(');
    // No other window or webPreferences anywhere in the shell.
    for (const file of ['main.ts', 'ipc.ts', 'protocols.ts']) expect(source(file)).not.toMatch(/new BrowserWindow\(|webPreferences/);
  });
});
