// What text the service stores: well-formed Unicode without NUL (what is stored is then exactly what
// was hashed into the audit trail), and file names that show what they are. Pure.

/** A lone UTF-16 surrogate or a NUL makes a string unfit to store: the databases would change or refuse it. */
export function textProblem(s: string): string | null {
  if (!s.isWellFormed()) return 'is not well-formed Unicode (a lone surrogate)';
  if (s.includes('\u0000')) return 'contains a NUL character';
  return null;
}

/**
 * The first unfit string inside a parsed JSON value (keys included), as a JSON pointer with its
 * problem; walks at most `maxDepth` levels (deeper values are the schema's business).
 */
export function findUnfitText(value: unknown, maxDepth = 64): { path: string; message: string } | null {
  const found = unfitIn(value, maxDepth);
  return found && { path: found.segments.length === 0 ? '/' : found.segments.reverse().join(''), message: found.message };
}

const segment = (key: string | number): string => `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** The unfit string's pointer segments from the inside out: built only for what is found, every request walks its input. */
function unfitIn(value: unknown, maxDepth: number): { segments: string[]; message: string } | null {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { segments: [], message: problem } : null;
  }
  if (maxDepth <= 0 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let k = 0; k < value.length; k++) {
      const found = unfitIn(value[k], maxDepth - 1);
      if (found) return (found.segments.push(segment(k)), found);
    }
    return null;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const problem = textProblem(key);
    if (problem) return { segments: [segment(key)], message: `its name ${problem}` };
    const found = unfitIn((value as Record<string, unknown>)[key], maxDepth - 1);
    if (found) return (found.segments.push(segment(key)), found);
  }
  return null;
}

/** C0 and C1 controls, and the bidirectional controls that make a name read other than it is (‮exe.txt shown as txt.exe). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A file name as it is stored and offered for download: no path, no controls, at most 200 characters. */
export function safeFileName(name: string, fallback = 'evidence'): string {
  const cleaned = name.toWellFormed().replace(UNSAFE_IN_NAMES, '').replace(/[\\/]/g, '_').trim().slice(0, 200);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? fallback : cleaned;
}

/**
 * Decodes UTF-8 strictly (a BOM is dropped): the text, or the first line (1-based) that holds a byte
 * sequence that is not UTF-8 or a NUL.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { line: number; message: string } {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  try {
    const text = decoder.decode(bytes);
    const nul = text.indexOf('\u0000');
    if (nul >= 0) return { line: text.slice(0, nul).split('\n').length, message: 'contains a NUL character' };
    return { text };
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, i));
        } catch {
          return { line, message: 'is not valid UTF-8 (save the file as UTF-8)' };
        }
        line++;
        start = i + 1;
      }
    }
    return { line: 1, message: 'is not valid UTF-8 (save the file as UTF-8)' };
  }
}
