// Reading a PDF as a reader's tools do: poppler's pdftotext, pdffonts and pdftoppm (Debian
// poppler-utils), and pdfjs-dist for the position of every text item.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

export const hasPoppler = ((): boolean => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Where pictures of pages go for a person to look at (git-ignored). */
export const resultsDir = join(packageRoot, 'test-results', 'reports');

function withFile<T>(pdf: Buffer, run: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  try {
    const file = join(dir, 'report.pdf');
    writeFileSync(file, pdf);
    return run(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of each page, as `pdftotext -layout` (or `-raw`: content stream order) gives it. */
export function pdfPages(pdf: Buffer, mode: 'layout' | 'raw' = 'layout'): string[] {
  const text = withFile(pdf, (file) => execFileSync('pdftotext', [`-${mode}`, '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  const pages = text.split('\f');
  if (pages[pages.length - 1]!.trim() === '') pages.pop();
  return pages;
}

export interface FontRow {
  name: string;
  type: string;
  embedded: boolean;
  subset: boolean;
}

/** `pdffonts`' table: name, type, and whether each font is embedded and a subset. */
export function pdfFonts(pdf: Buffer): FontRow[] {
  const out = withFile(pdf, (file) => execFileSync('pdffonts', [file], { encoding: 'utf8' }));
  return out
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cells = line.trim().split(/\s+/);
      // name type… encoding emb sub uni object ID
      const [emb, sub] = cells.slice(-5, -3);
      return { name: cells[0]!, type: cells.slice(1, -6).join(' '), embedded: emb === 'yes', subset: sub === 'yes' };
    });
}

/** Renders pages to PNG files in test-results/reports/ (`name-<page>.png`); returns their paths. */
export function pagesToPng(pdf: Buffer, name: string, pages: number[]): string[] {
  mkdirSync(resultsDir, { recursive: true });
  return pages.map((page) => {
    const prefix = join(resultsDir, `${name}-p${page}`);
    withFile(pdf, (file) => execFileSync('pdftoppm', ['-png', '-r', '90', '-f', String(page), '-l', String(page), '-singlefile', file, prefix]));
    return `${prefix}.png`;
  });
}

export interface TextItem {
  page: number;
  text: string;
  x: number;
  /** Baseline, from the page's bottom. */
  y: number;
  width: number;
  size: number;
  /** Whether the text runs left to right, unrotated. */
  upright: boolean;
  pageWidth: number;
  pageHeight: number;
}

/** Every text item of every page with its position, through pdfjs-dist. */
export async function textItems(pdf: Buffer): Promise<TextItem[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  const items: TextItem[] = [];
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const [, , pageWidth, pageHeight] = page.view as [number, number, number, number];
      const content = await page.getTextContent();
      for (const item of content.items) {
        if (!('str' in item) || item.str.trim() === '') continue;
        const [a, b, c, d, e, f] = item.transform as number[];
        items.push({
          page: n,
          text: item.str,
          x: e!,
          y: f!,
          width: item.width,
          size: Math.hypot(c!, d!),
          upright: b === 0 && c === 0 && a! > 0 && d! > 0,
          pageWidth,
          pageHeight,
        });
      }
      page.cleanup();
    }
  } finally {
    await doc.destroy();
  }
  return items;
}

/** Text with every kind of white space removed, for comparing what wraps differently on the page. */
export const squash = (text: string): string => text.replace(/\s+/g, '');
