// Line breaking for mixed Chinese and Latin text: a break may fall between any two ideographs, at a space,
// or inside a word too long for the line; closing punctuation never starts a line and opening
// punctuation never ends one. Pure: widths come from the caller.

/** Measures a piece of text in one font, in points at size 1. */
export type Measure = (text: string) => number;

const IDEOGRAPHIC = /[\u1100-\u11ff\u2e80-\u2fdf\u2ff0-\u303f\u3040-\u31ff\u3200-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe4f\uff00-\uffef\u{20000}-\u{3ffff}]/u;
/** May not start a line: closing brackets, stops, commas, the ideographic iteration mark and such. */
const NO_START = new Set([...'、。，．：；！？）」』】〕〉》］｝〗〙〛…‥・ー々〻％,.:;!?)]}%’”']);
/** May not end a line: opening brackets and quotes. */
const NO_END = new Set([...'（「『【〔〈《［｛〖〘〚([{‘“']);

// C0/C1 controls other than the newline, and the bidirectional controls that reorder what is shown.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const UNPRINTABLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Text as it can be printed: line ends made `\n`, tabs made spaces, control characters removed. */
export function printable(text: string): string {
  return text.toWellFormed().replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(UNPRINTABLE, '');
}

interface Atom {
  text: string;
  space: boolean;
}

/** Splits one paragraph into unbreakable pieces: runs of spaces, single ideographs, Latin words. */
function atomsOf(paragraph: string): Atom[] {
  const atoms: Atom[] = [];
  let word = '';
  const flush = () => {
    if (word) atoms.push({ text: word, space: false });
    word = '';
  };
  for (const ch of paragraph) {
    if (ch === ' ' || ch === '\u3000') {
      flush();
      const last = atoms[atoms.length - 1];
      if (!last?.space) atoms.push({ text: ' ', space: true });
    } else if (IDEOGRAPHIC.test(ch)) {
      flush();
      atoms.push({ text: ch, space: false });
    } else {
      word += ch;
    }
  }
  flush();
  // Glue: a piece starting with closing punctuation joins the piece before it, and one ending with
  // opening punctuation joins the piece after it, when nothing stands between them.
  const glued: Atom[] = [];
  for (const atom of atoms) {
    const previous = glued[glued.length - 1];
    if (previous && !previous.space && !atom.space && (NO_START.has(atom.text[0]!) || NO_END.has(previous.text[previous.text.length - 1]!))) {
      previous.text += atom.text;
    } else {
      glued.push({ ...atom });
    }
  }
  return glued;
}

/** Breaks a piece wider than the line into lines of whole characters. */
function splitWide(text: string, measure: Measure, size: number, width: number): { lines: string[]; rest: string; restWidth: number } {
  const lines: string[] = [];
  let current = '';
  let currentWidth = 0;
  for (const ch of text) {
    const w = measure(ch) * size;
    if (current && currentWidth + w > width) {
      lines.push(current);
      current = '';
      currentWidth = 0;
    }
    current += ch;
    currentWidth += w;
  }
  return { lines, rest: current, restWidth: currentWidth };
}

/**
 * Breaks text into lines no wider than `width` at `size`. Each `\n` starts a new line; an empty
 * paragraph gives an empty line. Spaces at a break are dropped.
 */
export function wrapText(text: string, measure: Measure, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of printable(text).split('\n')) {
    let current = '';
    let currentWidth = 0;
    let pendingSpace = false;
    for (const atom of atomsOf(paragraph)) {
      if (atom.space) {
        pendingSpace = current !== '';
        continue;
      }
      const w = measure(atom.text) * size;
      const spaceWidth = pendingSpace ? measure(' ') * size : 0;
      if (currentWidth + spaceWidth + w <= width) {
        current += (pendingSpace ? ' ' : '') + atom.text;
        currentWidth += spaceWidth + w;
      } else {
        if (current) lines.push(current);
        if (w <= width) {
          current = atom.text;
          currentWidth = w;
        } else {
          const split = splitWide(atom.text, measure, size, width);
          lines.push(...split.lines);
          current = split.rest;
          currentWidth = split.restWidth;
        }
      }
      pendingSpace = false;
    }
    lines.push(current);
  }
  return lines;
}

/** Shortens one line to fit `width`, ending it with an ellipsis when anything was cut. */
export function fitLine(text: string, measure: Measure, size: number, width: number): string {
  const clean = printable(text).replace(/\n/g, ' ');
  if (measure(clean) * size <= width) return clean;
  const ellipsis = '…';
  const budget = width - measure(ellipsis) * size;
  let out = '';
  let used = 0;
  for (const ch of clean) {
    const w = measure(ch) * size;
    if (used + w > budget) break;
    out += ch;
    used += w;
  }
  return out.trimEnd() + ellipsis;
}
