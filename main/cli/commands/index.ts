import type { Command } from '../command.ts';
import { serveCommand } from './serve.ts';

/** Every CLI command, in the order `assetql --help` lists them. */
export const COMMANDS: readonly Command[] = [serveCommand];
