import { useDebounced } from '../hooks/use-debounced.ts';
import { useRequest } from '../hooks/use-request.ts';

/**
 * Live token count of a prompt with the model's own tokenizer. Past the encoder's budget
 * (77 tokens with start/end) it warns and shows which words the model will not see.
 */
export function TokenCounter(props: { text: string; packId?: string | null }) {
  const text = useDebounced(props.text, 250);
  const r = useRequest('intake.tokenCount', text.trim() ? { text, ...(props.packId ? { packId: props.packId } : {}) } : null);
  if (!text.trim()) return null;
  if (r.error) {
    return (
      <span className="field-hint" data-testid="token-counter" data-state="unavailable">
        {r.error.kind === 'ModelMissing' ? 'Token count needs an installed model pack.' : `Token count unavailable: ${r.error.message}`}
      </span>
    );
  }
  if (!r.data) return <span className="field-hint">counting tokens…</span>;
  const { count, limit, words } = r.data;
  const over = count > limit;
  const cut = words.filter((w) => !w.kept);
  return (
    <div className="stack" data-testid="token-counter" data-state={over ? 'over' : 'ok'} data-count={count} role="status" aria-live="polite">
      <span className={over ? 'warn-text small num' : 'field-hint num'}>
        {count} / {limit} tokens{over ? ` — ${count - limit} over: the model will not see the struck words` : ''}
      </span>
      {over ? (
        <span className="token-counter" aria-label={`Words the model will not see: ${cut.map((w) => w.text).join(' ')}`}>
          {words.map((w, i) => (
            <span key={i} className={w.kept ? 'muted' : 'cut'} data-cut={!w.kept || undefined}>
              {w.text}
            </span>
          ))}
        </span>
      ) : null}
    </div>
  );
}
