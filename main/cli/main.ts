// First: native libraries loaded by later imports read this environment as they load.
import '../core/quiet-runtime.ts';
import type { CliIo, Command } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { toErrorData } from '../core/app-error.ts';
import { APP_VERSION } from '../core/app-root.ts';
import { terminalSafeStream } from './terminal-text.ts';
import { errorLine, setCliDebug } from './command-error.ts';

const VERSION = APP_VERSION;

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `AssetQL ${VERSION} — on-brand image batches on your own GPU`,
    '',
    'Usage: assetql <command> [options]     (assetql <command> --help for details)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Common options: --data-dir <dir> (default: $ASSETQL_DATA_DIR or ~/.assetql), --json, --debug (stack traces on errors)',
  ].join('\n');
}

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** Entry point shared by bin/assetql.mjs and the tests; returns the exit code. */
export async function main(rawArgv: string[], io?: Partial<CliIo>): Promise<number> {
  // --debug (any position) adds the stack trace to an error; without it users get one sentence.
  const debug = rawArgv.includes('--debug');
  const argv = rawArgv.filter((a) => a !== '--debug');
  setCliDebug(debug);
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130); // second Ctrl-C: leave now
    controller.abort();
  };
  if (!io?.signal) process.on('SIGINT', onSigint);
  // User text is escaped on its way to the terminal (terminal-text.ts); --json stays exact.
  const json = argv.includes('--json');
  const stdout = io?.stdout ?? process.stdout;
  const fullIo: CliIo = {
    stdout: json ? stdout : terminalSafeStream(stdout),
    stderr: terminalSafeStream(io?.stderr ?? process.stderr),
    cwd: io?.cwd ?? process.cwd(),
    env: io?.env ?? process.env,
    signal: io?.signal ?? controller.signal,
  };
  // The CLI's top-level guard: an error thrown outside the command's own await chain (a
  // background loop hitting a full disk) still ends as one sentence and a non-zero exit.
  // `serve` keeps serving instead (its own guard), and tests (which pass io) keep vitest's.
  const fatal = (err: unknown): void => {
    fullIo.stderr.write(`assetql: ${errorLine(err)}\n`);
    if (debug && err instanceof Error && err.stack) fullIo.stderr.write(`${err.stack}\n`);
    process.exit(1);
  };
  const guard = !io && argv[0] !== 'serve';
  if (guard) {
    process.on('uncaughtException', fatal);
    process.on('unhandledRejection', fatal);
  }
  try {
    const [name, ...rest] = argv;
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      fullIo.stdout.write(helpText() + '\n');
      return name ? 0 : 1;
    }
    if (name === '--version' || name === '-v') {
      fullIo.stdout.write(VERSION + '\n');
      return 0;
    }
    const command = findCommand(name);
    if (!command) {
      fullIo.stderr.write(`assetql: unknown command '${name}'\n\n${helpText()}\n`);
      return 2;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      fullIo.stdout.write(command.usage.trimEnd() + '\n');
      return 0;
    }
    return await command.run(rest, fullIo);
  } catch (err) {
    // parseArgs throws TypeErrors with a clear message for unknown/missing flags.
    // Errors with a kind (AppError, or WorkerError from analysis code) print their kind.
    const data = toErrorData(err);
    fullIo.stderr.write(`assetql: ${errorLine(err)}\n`);
    if (debug && err instanceof Error && err.stack) fullIo.stderr.write(`${err.stack}\n`);
    return data.kind === 'Cancelled' ? 130 : 1;
  } finally {
    process.off('SIGINT', onSigint);
    if (guard) {
      process.off('uncaughtException', fatal);
      process.off('unhandledRejection', fatal);
    }
  }
}
