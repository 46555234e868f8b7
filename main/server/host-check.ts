import { isIP } from 'node:net';

/**
 * DNS-rebinding defence: a page on evil.example whose name was re-pointed at 127.0.0.1 reaches
 * this server with `Host: evil.example`. Only the names this server was started for are served:
 * 127.0.0.1:<port>, localhost:<port>, [::1]:<port>, the configured host, and — when bound to every
 * interface — any IP literal (an IP cannot be rebound) at our port.
 */
export function hostAllowed(hostHeader: string | undefined, boundHost: string, port: number): boolean {
  if (!hostHeader || hostHeader.length > 300) return false;
  const parsed = splitHost(hostHeader.trim().toLowerCase());
  if (!parsed || parsed.port !== port) return false;
  const name = parsed.name;
  if (name === '127.0.0.1' || name === 'localhost' || name === '::1') return true;
  const configured = boundHost.toLowerCase().replace(/^\[|\]$/g, '');
  if (name === configured) return true;
  const wildcard = configured === '0.0.0.0' || configured === '::';
  return wildcard && isIP(name) !== 0;
}

/** `name:port` or `[v6]:port`; the port is required (browsers always send it for non-80 ports). */
function splitHost(value: string): { name: string; port: number } | null {
  const m = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+)):(\d{1,5})$/.exec(value);
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { name: (m[1] ?? m[2]) as string, port };
}
