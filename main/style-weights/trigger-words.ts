/**
 * A LoRA's trigger words from its safetensors metadata: `modelspec.trigger_phrase` (the
 * Stability model-spec), kohya's `ss_trigger_words`-style fields, else the most frequent
 * training tags from kohya's `ss_tag_frequency` ({dataset: {tag: count}}). At most 8.
 */
export function triggerWords(meta: Record<string, string>): string[] {
  const explicit = meta['modelspec.trigger_phrase'] ?? meta['ss_trigger_words'] ?? meta['trigger_words'];
  if (explicit) return unique(explicit.split(',')).slice(0, 8);
  const freq = meta['ss_tag_frequency'];
  if (!freq) return [];
  try {
    const parsed = JSON.parse(freq) as Record<string, Record<string, number>>;
    const counts = new Map<string, number>();
    for (const tags of Object.values(parsed)) {
      if (!tags || typeof tags !== 'object') continue;
      for (const [tag, n] of Object.entries(tags)) if (typeof n === 'number') counts.set(tag.trim(), (counts.get(tag.trim()) ?? 0) + n);
    }
    return [...counts.entries()]
      .filter(([t]) => t.length > 0 && t.length <= 60)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([t]) => t);
  } catch {
    return [];
  }
}

function unique(list: string[]): string[] {
  return [...new Set(list.map((s) => s.trim()).filter((s) => s.length > 0 && s.length <= 60))];
}
