import { loadMerges } from '../workers/clip/load-merges.ts';
import { ClipTokenizer } from '../workers/clip/clip-tokenizer.ts';
import { readFileSync } from 'node:fs';
const tok = new ClipTokenizer(await loadMerges('../shared/data/clip/bpe_simple_vocab_16e6.txt.gz'));
const ref = JSON.parse(readFileSync('../shared/reference/numerics.json','utf8'));
for (const c of ref.clip_tokens) { const ids=[...tok.encode(c.text)].slice(0, c.ids.length); console.log(JSON.stringify(ids)===JSON.stringify(c.ids), ids.join(','), c.ids.join(',')); }
