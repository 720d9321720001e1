// Bounds the work an uploaded .xlsx (a zip archive) can cause before anything parses it: how many
// entries, how large each one inflates — counted while inflating, since declared sizes can lie — and
// how large all of them inflate together. A file past a bound is refused with 413 `sheet_too_large`.
import yauzl from 'yauzl';
import { ServiceError, invalid } from './errors.js';

export interface ZipLimits {
  entries: number;
  entryBytes: number;
  totalBytes: number;
}

/** Far above any workbook this service exports (about 50 KB, 4 MB inflated for a full assessment). */
export const SHEET_ZIP_LIMITS: ZipLimits = { entries: 100, entryBytes: 16 * 1024 * 1024, totalBytes: 64 * 1024 * 1024 };

const tooLarge = (what: string, limit: number, value: number | string): ServiceError =>
  new ServiceError('sheet_too_large', `the workbook is too large when unpacked: ${what}`, [{ path: '/', message: `${what}: the limit is ${limit}, this file has ${value}` }]);

const openZip = (bytes: Buffer) =>
  new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (error, zip) => (error ? reject(error) : resolve(zip)));
  });

/** Inflates every entry once, counting, and stops at the first bound passed; keeps nothing. */
export async function checkZipLimits(bytes: Buffer, limits: ZipLimits = SHEET_ZIP_LIMITS): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(bytes);
  } catch {
    throw invalid('the file is not an .xlsx workbook', [{ message: 'not an .xlsx workbook (not a readable zip archive)' }]);
  }
  try {
    if (zip.entryCount > limits.entries) throw tooLarge('entries in the archive', limits.entries, zip.entryCount);
    let total = 0;
    await new Promise<void>((resolve, reject) => {
      const fail = (error: unknown) => {
        zip.close();
        reject(error instanceof Error ? error : new Error(String(error)));
      };
      zip.on('error', fail);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.uncompressedSize > limits.entryBytes) return fail(tooLarge(`the entry ${entry.fileName}`, limits.entryBytes, entry.uncompressedSize));
        if (/\/$/.test(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (error, stream) => {
          if (error) return fail(error);
          let inflated = 0;
          stream.on('data', (chunk: Buffer) => {
            inflated += chunk.length;
            total += chunk.length;
            if (inflated > limits.entryBytes) {
              stream.destroy();
              fail(tooLarge(`the entry ${entry.fileName}`, limits.entryBytes, `more than ${inflated}`));
            } else if (total > limits.totalBytes) {
              stream.destroy();
              fail(tooLarge('all entries together', limits.totalBytes, `more than ${total}`));
            }
          });
          stream.on('error', fail);
          stream.on('end', () => zip.readEntry());
        });
      });
      zip.readEntry();
    });
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    throw invalid('the file is not an .xlsx workbook', [{ message: `not a readable zip archive: ${(error as Error).message}` }]);
  }
}
