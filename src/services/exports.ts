// Tables as files (docs/domain.md §8): one table model, written as CSV (UTF-8 with a BOM, CRLF, RFC 4180
// quoting) or as an .xlsx workbook (a sheet per table). Pure: no database, no HTTP. Every text cell passes
// through one neutralising function, so a spreadsheet never reads an agency's name as a formula.
import ExcelJS from 'exceljs';

export type ExportLang = 'zh-TW' | 'en';
export const EXPORT_LANGUAGES: readonly ExportLang[] = ['zh-TW', 'en'];
export const EXPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const CSV_TYPE = 'text/csv; charset=utf-8';

export type Cell = string | number | null;

export interface Column {
  key: string;
  zh: string;
  en: string;
}

export interface Table {
  /** The sheet's name and the CSV file name's last part: ASCII. */
  name: string;
  columns: readonly Column[];
  rows: readonly Readonly<Record<string, Cell>>[];
}

/** A file ready to send. */
export interface ExportFile {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

// A spreadsheet starts a formula (or a DDE call) at these; TAB and CR can hide one behind white space.
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell a spreadsheet would run as a formula gets a leading `'`; numbers stay numbers, never neutralised. */
export function neutralise(cell: Cell): Cell {
  return typeof cell === 'string' && FORMULA_START.test(cell) ? `'${cell}` : cell;
}

const header = (column: Column, lang: ExportLang): string => (lang === 'en' ? column.en : column.zh);

function csvField(cell: Cell): string {
  const safe = neutralise(cell);
  if (safe === null) return '';
  const text = typeof safe === 'number' ? String(safe) : safe;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The table as CSV: a BOM (so spreadsheets read UTF-8 and show Chinese), the header in `lang`, CRLF line ends. */
export function toCsv(table: Table, lang: ExportLang): Buffer {
  const lines = [table.columns.map((c) => csvField(header(c, lang))), ...table.rows.map((row) => table.columns.map((c) => csvField(row[c.key] ?? null)))];
  return Buffer.from(`\uFEFF${lines.map((fields) => fields.join(',')).join('\r\n')}\r\n`, 'utf8');
}

/** The tables as one workbook: a sheet each, the header row bold and frozen, numbers as numbers. */
export async function toXlsx(tables: readonly Table[], lang: ExportLang): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const table of tables) {
    const sheet = wb.addWorksheet(table.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = table.columns.map((c) => ({ key: c.key, width: Math.max(10, Math.min(40, header(c, lang).length * 2 + 2)) }));
    const head = sheet.addRow(table.columns.map((c) => neutralise(header(c, lang))));
    head.font = { bold: true };
    for (const row of table.rows) sheet.addRow(table.columns.map((c) => neutralise(row[c.key] ?? null)));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
