/**
 * Text from user files (CSV cells, names, tags, prompts, file names) must not drive the
 * terminal: an ESC in a cell could recolour, move the cursor, retitle the window or hide lines.
 * Every control character is shown visibly instead (`\x1b`, `\r`, `\u202e`), except newline and
 * tab. main.ts applies this to everything a command writes (so no command can forget it);
 * `--json` output is left exact, because JSON.stringify already escapes control characters.
 * The CLI's own progress lines use `writeTerminalControl` to keep their `\r` and erase-line.
 */

// C0 controls but \t and \n, DEL, C1 controls, and the bidi overrides and isolates that can
// reorder what is shown (the "Trojan Source" characters).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function escapeTerminalText(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const code = ch.charCodeAt(0);
    if (ch === '\r') return '\\r';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

const RAW = Symbol('terminal-safe raw stream');

type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/**
 * The same stream with `write` escaping its text. A Proxy, not a new Writable, so writes stay
 * synchronous and isTTY/columns/once('drain') behave exactly as on the real stream.
 */
export function terminalSafeStream<T extends Stream>(inner: T): T {
  if ((inner as unknown as Record<symbol, unknown>)[RAW]) return inner;
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === RAW) return target;
      if (prop === 'write') {
        return (chunk: unknown, ...rest: unknown[]) => {
          const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : chunk;
          return (target.write as (...a: unknown[]) => boolean)(typeof text === 'string' ? escapeTerminalText(text) : text, ...rest);
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Writes the CLI's own terminal controls (a progress line's `\r` and `\x1b[K`) past the escaping.
 * Any user text inside `text` must already be escaped with escapeTerminalText.
 */
export function writeTerminalControl(stream: Stream, text: string): void {
  const raw = (stream as unknown as Record<symbol, Stream | undefined>)[RAW] ?? stream;
  raw.write(text);
}
