import { randomBytes } from 'node:crypto';
import type { ExportItem } from '../library/export/export-item.ts';

/** A ZIP a browser may fetch once: the items were chosen when export.start ran. */
export interface DownloadTicket {
  id: string;
  fileName: string;
  items: readonly ExportItem[];
  createdAt: number;
}

/** Unfetched tickets expire: a download link is meant to be followed at once. */
export const TICKET_TTL_MS = 10 * 60_000;
const MAX_PENDING = 32;

/**
 * Pending browser downloads of one app instance. export.start (delivery 'download') creates a
 * ticket; the UI server's /exports/ route takes it (single use) and streams the archive. The
 * id is random and unguessable, and the route sits behind the launch token as well.
 */
export class ExportDownloads {
  private readonly tickets = new Map<string, DownloadTicket>();

  create(items: readonly ExportItem[], fileName: string, now = Date.now()): DownloadTicket {
    this.expire(now);
    if (this.tickets.size >= MAX_PENDING) {
      const oldest = [...this.tickets.values()].sort((a, b) => a.createdAt - b.createdAt)[0];
      if (oldest) this.tickets.delete(oldest.id);
    }
    const ticket = { id: randomBytes(16).toString('hex'), fileName, items, createdAt: now };
    this.tickets.set(ticket.id, ticket);
    return ticket;
  }

  /** The ticket, removed so it cannot be fetched twice; null when unknown or expired. */
  take(id: string, now = Date.now()): DownloadTicket | null {
    this.expire(now);
    const t = this.tickets.get(id) ?? null;
    if (t) this.tickets.delete(id);
    return t;
  }

  private expire(now: number): void {
    for (const [id, t] of this.tickets) if (now - t.createdAt > TICKET_TTL_MS) this.tickets.delete(id);
  }
}

const perOwner = new WeakMap<object, ExportDownloads>();

/** The download store of one AppServices (handler and UI server share it through this). */
export function exportDownloads(owner: object): ExportDownloads {
  let d = perOwner.get(owner);
  if (!d) perOwner.set(owner, (d = new ExportDownloads()));
  return d;
}

export const EXPORTS_PATH = '/exports/';
export const downloadUrl = (t: DownloadTicket): string => `${EXPORTS_PATH}${t.id}/${encodeURIComponent(t.fileName)}`;
