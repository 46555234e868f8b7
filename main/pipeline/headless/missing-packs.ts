import { loadCatalog } from '../../../models/catalog.ts';

/** What `assetql run` prints when no SDXL pack is installed and none was given with --pack. */
export function missingPacksMessage(): string {
  let ids: { id: string; kind: string; downloadable: boolean; name: string }[] = [];
  try {
    ids = loadCatalog().packs.map((p) => ({ id: p.id, kind: p.kind, downloadable: p.downloadable, name: p.name }));
  } catch {
    ids = [];
  }
  const gen = ids.filter((p) => p.kind === 'sdxl');
  const clip = ids.filter((p) => p.kind === 'clip');
  const line = (p: (typeof ids)[number]) =>
    p.downloadable ? `  assetql models download ${p.id}    # ${p.name}` : `  assetql models locate ${p.id} <folder>    # ${p.name} (not downloadable: point at your own export)`;
  return [
    'No SDXL model pack is installed, and no --pack <dir> was given.',
    '',
    'Get one of these generation packs:',
    ...(gen.length ? gen.map(line) : ['  assetql models list    # shows the catalog']),
    ...(clip.length ? ['', 'Optional, for CLIP similarity, search and tags:', ...clip.map(line)] : []),
    '',
    'Or try the whole flow in a minute with tiny random-weight packs (images are noise):',
    '  assetql models create-test-pack <dir>',
    '  assetql run <csv> --refs <refs-dir> --pack <dir>/test-sdxl --clip-pack <dir>/test-clip',
    '',
  ].join('\n');
}
