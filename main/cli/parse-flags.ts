import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIo, Command } from './command.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Every command's flag parsing: positionals allowed, unknown flags refused with the usage text
 * (exit 2), --help prints the usage (exit 0). Returns the parsed flags, or the exit code to end with.
 */
export function parseFlags<const O extends Options>(cmd: Pick<Command, 'name' | 'usage'>, argv: string[], io: CliIo, options: O, opts: { positionals?: boolean } = {}) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...options, ...HELP } });
  } catch (err) {
    io.stderr.write(`assetql ${cmd.name}: ${(err as Error).message}\n${cmd.usage}\n`);
    return 2;
  }
  if (opts.positionals === false && parsed.positionals.length > 0) {
    io.stderr.write(`assetql ${cmd.name}: unexpected argument '${parsed.positionals[0]}'\n${cmd.usage}\n`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.stdout.write(`${cmd.usage}\n`);
    return 0;
  }
  return parsed;
}
