import type { Writable } from 'node:stream';
import { AppError } from '../../core/app-error.ts';
import type { ExportItem } from './export-item.ts';
import { writeZipEntries } from './export-zip.ts';
import { ZipStreamWriter, type ZipSink } from './zip-stream-writer.ts';

export interface StreamZipOptions {
  signal?: AbortSignal;
  onProgress?: (p: { itemsDone: number; bytesWritten: number }) => void;
}

/**
 * Writes the same archive as exportZip straight into a stream (an HTTP response), never to
 * disk: memory stays at one chunk whatever the size. Honours backpressure, and stops with
 * Cancelled when the reader goes away (browser download cancelled) or the signal aborts.
 */
export async function streamZip(items: readonly ExportItem[], out: Writable, options: StreamZipOptions = {}): Promise<{ sha256: string; bytes: number }> {
  let closed = false;
  out.once('close', () => (closed = true));
  const sink: ZipSink = {
    write(buf, offset, length) {
      if (closed || out.destroyed) return Promise.reject(new AppError('Cancelled', 'download cancelled by the browser'));
      return new Promise((resolve, reject) => {
        const onClose = (): void => reject(new AppError('Cancelled', 'download cancelled by the browser'));
        out.once('close', onClose);
        const done = (): void => {
          out.off('close', onClose);
          resolve({ bytesWritten: length });
        };
        if (out.write(buf.subarray(offset, offset + length))) done();
        else out.once('drain', done);
      });
    },
  };
  let bytes = 0;
  let itemsDone = 0;
  const zip = new ZipStreamWriter(sink, (n) => {
    bytes += n;
  });
  const checkAbort = (): void => {
    if (options.signal?.aborted) throw new AppError('Cancelled', 'export cancelled');
    if (closed) throw new AppError('Cancelled', 'download cancelled by the browser');
  };
  try {
    await writeZipEntries(zip, items, {
      checkAbort,
      itemDone: () => {
        itemsDone++;
        options.onProgress?.({ itemsDone, bytesWritten: bytes });
      },
    });
    const result = await zip.finish();
    await new Promise<void>((resolve) => out.end(resolve));
    return result;
  } catch (err) {
    await zip.settle();
    throw err;
  }
}
