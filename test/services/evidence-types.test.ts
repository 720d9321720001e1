// Evidence files are recognised by their content, never by their name.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { detectEvidenceType } from '../../src/services/evidence-types.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000200d5a8d7a70000000049454e44ae426082', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffdb004300' + '01'.repeat(64) + 'ffd9', 'hex');

describe('detectEvidenceType', () => {
  it('recognises PDF, PNG, JPEG, XLSX, CSV and plain text', async () => {
    expect(await detectEvidenceType(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj<<>>endobj\n%%EOF'))).toEqual({ ext: 'pdf', mime: 'application/pdf' });
    expect((await detectEvidenceType(PNG))?.mime).toBe('image/png');
    expect((await detectEvidenceType(JPEG))?.mime).toBe('image/jpeg');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('資產清冊').addRow(['資產', '擁有者']);
    expect((await detectEvidenceType(Buffer.from(await wb.xlsx.writeBuffer())))?.ext).toBe('xlsx');
    expect(await detectEvidenceType(Buffer.from('系統,等級,擁有者\n公文系統,中,秘書處\n人事系統,高,人事處\n'))).toEqual({ ext: 'csv', mime: 'text/csv' });
    expect(await detectEvidenceType(Buffer.from('\uFEFF109 年度資安教育訓練簽到表\n共 42 人完訓。\n'))).toEqual({ ext: 'txt', mime: 'text/plain' });
  });

  it('refuses what is none of the accepted types, whatever it is called', async () => {
    expect(await detectEvidenceType(Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]))).toBeUndefined(); // a Windows executable
    expect(await detectEvidenceType(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'binary'))).toBeUndefined();
    expect(await detectEvidenceType(Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x00, 0x00]))).toBeUndefined(); // not UTF-8 text
    expect(await detectEvidenceType(Buffer.from('line one\u0007bell\n'))).toBeUndefined();
  });
});
