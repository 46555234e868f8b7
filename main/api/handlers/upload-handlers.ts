import type { AppServices } from '../app-services.ts';
import { putUpload } from '../../uploads/upload-store.ts';

export function registerUploadHandlers(s: AppServices): void {
  s.registry.handle('uploads.put', ({ name, dataBase64 }) => putUpload(s.app.dataDir.library, name, Buffer.from(dataBase64, 'base64')));
}
