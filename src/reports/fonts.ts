// The report's Traditional Chinese font: Noto Sans TC as whole TTF files (docs: MACHINE.md), read once
// per process and embedded by pdfkit as a subset of the glyphs a document uses.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export type FontName = 'regular' | 'bold';

const FILES: Record<FontName, string> = {
  regular: '@expo-google-fonts/noto-sans-tc/400Regular/NotoSansTC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-tc/700Bold/NotoSansTC_700Bold.ttf',
};

/** The family names pdfkit registers the fonts under (and the subset's base font name carries). */
export const FONT_IDS: Record<FontName, string> = { regular: 'NotoSansTC-Regular', bold: 'NotoSansTC-Bold' };

let cache: Record<FontName, Buffer> | undefined;

/** The two TTF files' bytes, read on first use (about 7 MB each) and kept for the process. */
export function fontFiles(): Record<FontName, Buffer> {
  if (!cache) {
    const require = createRequire(import.meta.url);
    cache = { regular: readFileSync(require.resolve(FILES.regular)), bold: readFileSync(require.resolve(FILES.bold)) };
  }
  return cache;
}

/** Registers both fonts with a document. */
export function registerFonts(doc: PDFKit.PDFDocument): void {
  const files = fontFiles();
  doc.registerFont(FONT_IDS.regular, files.regular);
  doc.registerFont(FONT_IDS.bold, files.bold);
}
