import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Lease owners are "host:pid:nonce". A restart can then tell a dead engine's leases (same host,
 * pid gone, or a stopped engine of this very process) from a live engine in another process
 * (the app and a CLI run sharing one data folder) without waiting for lease_until to expire.
 */
const liveInThisProcess = new Set<string>();

export function newLeaseOwner(): string {
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  liveInThisProcess.add(owner);
  return owner;
}

export function retireLeaseOwner(owner: string): void {
  liveInThisProcess.delete(owner);
}

export function isLeaseOwnerDead(owner: string | null): boolean {
  if (!owner) return true;
  const [host, pidText] = owner.split(':');
  if (host !== hostname()) return false; // another machine: only lease_until can tell
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return !liveInThisProcess.has(owner);
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // EPERM means the pid exists but belongs to someone else: treat as alive.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
