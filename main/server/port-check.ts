import { createServer } from 'node:net';
import { AppError } from '../core/app-error.ts';

/**
 * Fails fast when the port is taken, so `assetql serve` exits before it opens the database,
 * takes the data-folder lock or starts watching the hot folder. (The real listen still reports
 * a port taken in the instant between this check and it.)
 */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return; // the OS picks a free one
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(portError(host, port, err)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

export function portError(host: string, port: number, err: NodeJS.ErrnoException): Error {
  if (err.code === 'EADDRINUSE') {
    return new AppError('Conflict', `port ${port} on ${host} is already in use (another AssetQL, or another program); choose another with --port, or --port 0 for any free port`);
  }
  if (err.code === 'EACCES') return new AppError('BadInput', `port ${port} on ${host} needs administrator rights; use a port above 1023`);
  if (err.code === 'EADDRNOTAVAIL') return new AppError('BadInput', `${host} is not an address of this computer; use --host 127.0.0.1`);
  return err;
}
