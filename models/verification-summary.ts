import type { PackVerification } from './manifest.ts';

const LABEL: Record<PackVerification['files'][string]['against'], string> = {
  'hub-sha256': 'sha256 declared by the hub',
  'hub-git-blob': 'git blob id declared by the hub',
  'catalog-sha256': 'sha256 in the catalog',
  'size-only': 'size only',
  none: 'nothing (hash recorded only)',
};

/** One line for Settings and `models list`: what a pack's files were checked against. */
export function describeVerification(v: PackVerification): string {
  const files = Object.values(v.files);
  const checked = files.filter((f) => f.against === 'hub-sha256' || f.against === 'hub-git-blob' || f.against === 'catalog-sha256').length;
  const counts = new Map<string, number>();
  for (const f of files) counts.set(LABEL[f.against], (counts.get(LABEL[f.against]) ?? 0) + 1);
  const where = v.repo ? ` from ${v.repo}${v.revision ? ` @ ${v.revision.slice(0, 12)}` : ''}` : '';
  const how = [...counts].map(([k, n]) => `${n} by ${k}`).join(', ');
  return `${checked} of ${files.length} files verified${where} on ${v.verifiedAt.slice(0, 10)} (${how})`;
}
