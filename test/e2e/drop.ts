import type { Page } from 'playwright-core';
import type { DropFile } from '../fixtures/e2e-data.ts';

/**
 * Drops files on an element the way a user's drag does: a DataTransfer built IN the page from
 * the files' bytes, then dragenter/dragover/drop events dispatched on the target.
 */
export async function dropFiles(page: Page, selector: string, files: DropFile[]): Promise<void> {
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.mime }));
    }
    return dt;
  }, files);
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await page.dispatchEvent(selector, type, { dataTransfer: transfer });
  }
}
