// Line breaking for the reports: no line wider than asked (unless one character is), nothing lost,
// and Chinese punctuation kept where Chinese typesetting keeps it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitLine, printable, wrapText, type Measure } from '../../src/reports/wrap.js';

/** A monospaced stand-in: ideographs 1 wide, everything else half. */
const measure: Measure = (text) => [...text].reduce((n, ch) => n + (/[\u2e80-\uffef]/.test(ch) ? 1 : 0.5), 0);

describe('wrapText', () => {
  it('breaks Chinese between any two characters, Latin at spaces', () => {
    expect(wrapText('資通安全維護計畫', measure, 1, 3)).toEqual(['資通安', '全維護', '計畫']);
    expect(wrapText('ISO 27001 and NIST CSF', measure, 1, 5)).toEqual(['ISO 27001', 'and NIST', 'CSF']);
    expect(wrapText('依 ISO 27001 辦理', measure, 1, 4)).toEqual(['依 ISO', '27001 辦', '理']);
  });

  it('never starts a line with closing punctuation nor ends one with opening punctuation', () => {
    expect(wrapText('核定版本，公告', measure, 1, 4)).toEqual(['核定版', '本，公告']);
    expect(wrapText('甲乙（丙丁）', measure, 1, 3)).toEqual(['甲乙', '（丙', '丁）']);
  });

  it('cuts a word longer than the line into whole characters', () => {
    expect(wrapText('abcdefghij', measure, 1, 2)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('keeps paragraphs and empty lines, and drops control characters', () => {
    expect(wrapText('甲\n\n乙', measure, 1, 10)).toEqual(['甲', '', '乙']);
    expect(printable('a\u0000b\u202ec\r\nd\te')).toBe('abc\nd e');
  });

  it('loses no character and overflows no line, whatever the text', () => {
    const piece = fc.constantFrom('資', '安', '，', '。', '（', '）', 'a', 'Z', '1', '-', '/', ' ', ' ', '\n', 'word', 'ISO/IEC-27001:2022');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }).map((a) => a.join('')), fc.integer({ min: 2, max: 20 }), (text, width) => {
        const lines = wrapText(text, measure, 1, width);
        for (const line of lines) expect(measure(line)).toBeLessThanOrEqual(width);
        expect(lines.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
      }),
    );
  });
});

describe('fitLine', () => {
  it('keeps a line that fits, and cuts one that does not with an ellipsis', () => {
    expect(fitLine('短', measure, 1, 5)).toBe('短');
    const cut = fitLine('資通安全維護計畫', measure, 1, 4);
    expect(cut).toBe('資通安…');
    expect(measure(cut)).toBeLessThanOrEqual(4);
  });
});
