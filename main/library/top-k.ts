/**
 * Indices of the k largest scores, best first. A size-k min-heap makes this O(n log k) with
 * no allocation per element, so scanning 100k scores costs well under a millisecond.
 */
export function topK(scores: Float32Array, k: number, accept?: (i: number) => boolean): { index: number; score: number }[] {
  const heapIdx = new Int32Array(k);
  const heapVal = new Float32Array(k);
  let size = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (size === k && s <= heapVal[0]!) continue;
    if (accept && !accept(i)) continue;
    if (size < k) {
      // sift up
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (heapVal[p]! <= s) break;
        heapVal[c] = heapVal[p]!;
        heapIdx[c] = heapIdx[p]!;
        c = p;
      }
      heapVal[c] = s;
      heapIdx[c] = i;
    } else {
      // replace root, sift down
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= size) break;
        const r = l + 1;
        const m = r < size && heapVal[r]! < heapVal[l]! ? r : l;
        if (heapVal[m]! >= s) break;
        heapVal[c] = heapVal[m]!;
        heapIdx[c] = heapIdx[m]!;
        c = m;
      }
      heapVal[c] = s;
      heapIdx[c] = i;
    }
  }
  const out: { index: number; score: number }[] = [];
  for (let i = 0; i < size; i++) out.push({ index: heapIdx[i]!, score: heapVal[i]! });
  return out.sort((a, b) => b.score - a.score || a.index - b.index);
}
