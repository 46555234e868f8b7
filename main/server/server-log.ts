/**
 * Where the browser UI server reports what it refused or survived (malformed requests, bad
 * frames, errors caught by the guard). One line per event; `assetql serve` writes them to stderr.
 * Lines are bounded and control characters removed: they can quote attacker-chosen input.
 */
export type ServerLog = (line: string) => void;

export function stderrServerLog(): ServerLog {
  let lastSecond = 0;
  let countThisSecond = 0;
  return (line) => {
    // A flood of bad requests must not become a flood of log lines.
    const second = Math.floor(Date.now() / 1000);
    if (second !== lastSecond) {
      lastSecond = second;
      countThisSecond = 0;
    }
    if (++countThisSecond > 20) return;
    process.stderr.write(`assetql serve: ${cleanLogLine(line)}\n`);
  };
}

export function cleanLogLine(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 500);
}
