// The export module on its own: CSV quoting (RFC 4180), the BOM and CRLF, the headers' language, the one
// neutralising rule for text a spreadsheet would run as a formula, and the .xlsx workbook read back.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { neutralise, toCsv, toXlsx, type Table } from '../../src/services/exports.js';

const table: Table = {
  name: 'things',
  columns: [
    { key: 'code', zh: '代碼', en: 'Code' },
    { key: 'text', zh: '說明,備註', en: 'Text "quoted"' },
    { key: 'n', zh: '數值', en: 'Number' },
  ],
  rows: [
    { code: 'A1', text: 'plain', n: 1.5 },
    { code: 'A2', text: 'a, b', n: -2 },
    { code: 'A3', text: 'say "hi"', n: 0 },
    { code: 'A4', text: 'two\r\nlines', n: null },
    { code: 'A5', text: '=1+1', n: 3 },
    { code: 'A6', text: '+1', n: null },
    { code: 'A7', text: '-2', n: null },
    { code: 'A8', text: '@SUM(A1)', n: null },
    { code: 'A9', text: '\tx', n: null },
    { code: 'B1', text: '\rx', n: null },
    { code: 'B2', text: '中文 = ok', n: null },
    { code: 'B3', text: null, n: null },
  ],
};

describe('the export module', () => {
  it('neutralises text starting with = + - @ TAB or CR, never a number', () => {
    expect(['=A', '+A', '-A', '@A', '\tA', '\rA', 'A=', ' =A', '', '中'].map(neutralise)).toEqual(["'=A", "'+A", "'-A", "'@A", "'\tA", "'\rA", 'A=', ' =A', '', '中']);
    expect(neutralise(-2)).toBe(-2);
    expect(neutralise(null)).toBeNull();
  });

  it('writes CSV: BOM, CRLF, RFC 4180 quotes, the header in the language asked', () => {
    const zh = toCsv(table, 'zh-TW');
    expect([...zh.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(zh.toString('utf8')).toBe(
      [
        '\uFEFF代碼,"說明,備註",數值',
        'A1,plain,1.5',
        'A2,"a, b",-2',
        'A3,"say ""hi""",0',
        'A4,"two\r\nlines",',
        "A5,'=1+1,3",
        "A6,'+1,",
        "A7,'-2,",
        "A8,'@SUM(A1),",
        "A9,'\tx,",
        "B1,\"'\rx\",",
        'B2,中文 = ok,',
        'B3,,',
        '',
      ].join('\r\n'),
    );
    expect(toCsv(table, 'en').toString('utf8').split('\r\n')[0]).toBe('\uFEFFCode,"Text ""quoted""",Number');
  });

  it('writes .xlsx: a sheet per table, header bold and frozen, numbers as numbers, text neutralised', async () => {
    const bytes = await toXlsx([table, { ...table, name: 'again', rows: [] }], 'en');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['things', 'again']);
    const sheet = wb.getWorksheet('things')!;
    expect([1, 2, 3].map((c) => sheet.getRow(1).getCell(c).value)).toEqual(['Code', 'Text "quoted"', 'Number']);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const cells = (r: number) => [1, 2, 3].map((c) => sheet.getRow(r).getCell(c).value);
    expect(cells(2)).toEqual(['A1', 'plain', 1.5]);
    expect(cells(3)).toEqual(['A2', 'a, b', -2]);
    expect(cells(6)).toEqual(['A5', "'=1+1", 3]);
    expect(cells(9)).toEqual(['A8', "'@SUM(A1)", null]);
    expect(sheet.rowCount).toBe(13);
    expect(wb.getWorksheet('again')!.rowCount).toBe(1);
  });
});
