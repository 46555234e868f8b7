import { toErrorData } from '../core/app-error.ts';
import type { CliIo } from './command.ts';

/**
 * How a command reports the error that ended it: one line (`assetql <cmd>: Kind: message`, or
 * just the sentence for an environment fault, which names the folder and the fix itself), plus
 * the stack trace only when the user ran with --debug (main.ts sets that once per run).
 */
let debug = false;

export function setCliDebug(on: boolean): void {
  debug = on;
}

export function errorLine(err: unknown): string {
  const data = toErrorData(err);
  return data.kind === 'Internal' || data.detail?.['fault'] ? data.message : `${data.kind}: ${data.message}`;
}

export function writeCommandError(io: Pick<CliIo, 'stderr'>, prefix: string, err: unknown): void {
  io.stderr.write(`${prefix}: ${errorLine(err)}\n`);
  if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
}
