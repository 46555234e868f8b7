import yauzl from 'yauzl';

export interface ZipEntryRead {
  name: string;
  compressionMethod: number;
  data: Buffer;
}

/** Reads every entry of a ZIP with yauzl (an independent implementation from the writer). */
export async function readZip(path: string): Promise<ZipEntryRead[]> {
  const zip = await yauzl.openPromise(path, { strictFileNames: true, validateEntrySizes: true });
  const out: ZipEntryRead[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      const stream = await zip.openReadStreamPromise(entry);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      out.push({ name: entry.fileName, compressionMethod: entry.compressionMethod, data: Buffer.concat(chunks) });
    }
  } finally {
    zip.close();
  }
  return out;
}
