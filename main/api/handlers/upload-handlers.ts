import type { AppServices } from '../app-services.ts';
import { AppError } from '../../core/app-error.ts';
import { importUploadFromPath } from '../../uploads/upload-from-path.ts';
import { putUpload } from '../../uploads/upload-store.ts';

export function registerUploadHandlers(s: AppServices): void {
  s.registry.handle('uploads.put', ({ name, dataBase64 }) => putUpload(s.app.dataDir.library, name, Buffer.from(dataBase64, 'base64')));
  s.registry.handle('uploads.fromPath', ({ path }, ctx) => {
    // The transport is set by the server, never by the caller: the WebSocket's context says
    // 'browser', so a web page (or anything that reached the socket) cannot make the server read
    // a local path; the browser UI streams its files to POST /upload instead.
    if (ctx.transport !== 'electron') {
      throw new AppError('BadInput', 'uploads.fromPath is only available in the desktop app; the browser UI uploads through POST /upload');
    }
    return importUploadFromPath(s.app.dataDir.library, path);
  });
}
