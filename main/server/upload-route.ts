import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiResult, Upload } from '../../preload/api.ts';
import { toErrorData } from '../core/app-error.ts';
import { receiveUpload, UPLOAD_LIMITS } from '../uploads/upload-store.ts';

/**
 * POST /upload?name=<file name>: the browser UI streams a file straight to disk instead of
 * sending it as base64 over the WebSocket (which held 4/3 of every file in memory, twice).
 * The answer has the contract's ApiResult shape, so the renderer handles it like any request.
 */
export async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL, libraryDir: string): Promise<void> {
  const name = url.searchParams.get('name') ?? '';
  const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  const answer = (status: number, result: ApiResult<Upload>): void => {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', connection: status === 200 ? 'keep-alive' : 'close' });
    res.end(JSON.stringify(result));
  };
  if (!name || name.length > 255) {
    answer(400, { ok: false, error: { kind: 'BadInput', message: 'an upload needs ?name=<file name> (1–255 characters)' } });
    req.resume();
    return;
  }
  if (declared !== undefined && (!Number.isSafeInteger(declared) || declared < 0)) {
    answer(400, { ok: false, error: { kind: 'BadInput', message: 'invalid Content-Length' } });
    return;
  }
  if (declared !== undefined && declared > UPLOAD_LIMITS.maxFileBytes) {
    // Refuse before reading a byte; closing the connection stops the client sending the rest.
    answer(413, { ok: false, error: { kind: 'BadInput', message: `${name} is ${Math.round(declared / 1024 / 1024)} MiB; the limit per file is ${UPLOAD_LIMITS.maxFileBytes / 1024 / 1024} MiB` } });
    return;
  }
  try {
    const upload = await receiveUpload(libraryDir, name, req, declared);
    answer(200, { ok: true, value: upload });
  } catch (err) {
    const error = toErrorData(err);
    answer(error.kind === 'BadInput' ? (/limit|does not fit/.test(error.message) ? 413 : 400) : 500, { ok: false, error });
  }
}
