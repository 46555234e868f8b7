/**
 * One CLI command per file under main/cli/commands/, registered in commands/index.ts.
 * Commands parse their own flags with node:util parseArgs, print human output by default and
 * machine output with --json, and return the process exit code.
 */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Fires once on Ctrl-C; long-running commands use it to pause cleanly. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  /** One line for `assetql --help`. */
  summary: string;
  /** Full usage text for `assetql <name> --help`. */
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}
