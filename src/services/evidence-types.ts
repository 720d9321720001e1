// Evidence file types recognised by their content, never by their name (docs/api.md's accepted list).
import { fileTypeFromBuffer } from 'file-type';

export const ACCEPTED_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  txt: 'text/plain',
  csv: 'text/csv',
};

/** Text with no NUL and valid UTF-8 (a BOM allowed); CSV when most lines split into the same number of comma fields. */
function textType(bytes: Buffer): 'txt' | 'csv' | undefined {
  if (bytes.includes(0)) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  // Control characters other than tab, newline, carriage return and form feed mean binary.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) return undefined;
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, 50);
  const fields = lines.map((l) => l.split(',').length);
  if (lines.length >= 2 && fields[0]! >= 2 && fields.every((n) => n === fields[0])) return 'csv';
  return 'txt';
}

/** The accepted type of a file's bytes, or undefined when it is none of them. */
export async function detectEvidenceType(bytes: Buffer): Promise<{ ext: string; mime: string } | undefined> {
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) return ACCEPTED_TYPES[detected.ext] ? { ext: detected.ext, mime: ACCEPTED_TYPES[detected.ext]! } : undefined;
  const text = bytes.length > 0 ? textType(bytes) : undefined;
  return text ? { ext: text, mime: ACCEPTED_TYPES[text]! } : undefined;
}
