/** The triage keys, always visible so nobody has to guess them. */
export function ShortcutHelp() {
  return (
    <span className="shortcut-help muted small" aria-label="Keyboard shortcuts">
      <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>a</kbd> approve · <kbd>r</kbd> reject · <kbd>e</kbd> edit · <kbd>x</kbd> select · <kbd>⇧A</kbd> approve selected or all shown (asks first)
    </span>
  );
}
