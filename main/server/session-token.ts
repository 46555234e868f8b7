import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WIRE } from '../../preload/api.ts';

/**
 * The launch token, as a per-instance cookie and a query parameter. Cookies ignore ports, so the
 * cookie's name carries this instance's port: two instances on 127.0.0.1 never clobber each other.
 */
export function cookieName(port: number): string {
  return `${WIRE.cookie}_${port}`;
}

export function sessionCookie(port: number, token: string): string {
  return `${cookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}

/** Constant-time comparison: the time taken says nothing about how much of the token matched. */
export function tokenMatches(candidate: string | null | undefined, token: string): boolean {
  if (!candidate) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  // timingSafeEqual needs equal lengths; compare against ourselves so a length mismatch costs the same.
  if (a.length !== b.length) {
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** The token from ?token= or this instance's cookie; null when neither is present or parseable. */
export function requestToken(req: IncomingMessage, url: URL, port: number): string | null {
  const fromQuery = url.searchParams.get(WIRE.tokenParam);
  if (fromQuery) return fromQuery;
  const name = cookieName(port);
  const cookie = req.headers.cookie ?? '';
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return null; // a malformed %-escape is simply not our token
    }
  }
  return null;
}
