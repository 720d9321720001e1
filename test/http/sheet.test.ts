// Offline fill-in through an .xlsx workbook: round trip, applied changes, and refusals by sheet row and column.
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { XLSX_TYPE } from '../../src/services/sheet.service.js';
import { loginAs, useSeededApp } from '../helpers/app.js';
import { databaseKinds } from '../helpers/databases.js';

describe.each(databaseKinds)('sheet on $name', (kind) => {
  const t = useSeededApp(kind);
  let agency: string;
  let id: string;
  beforeAll(async () => {
    agency = await loginAs(t.app, 'agency');
    id = (await t.app.inject({ method: 'POST', url: '/api/assessments', headers: { cookie: agency }, payload: { agency: 'MOI-A', cycle: 109 } })).json<{ id: string }>().id;
    await t.app.inject({ method: 'PUT', url: `/api/assessments/${id}/answers/GOV-01/BP1`, headers: { cookie: agency }, payload: { rating: 'L', evidence: '政策文件', revision: 0 } });
  });

  const download = async () => {
    const r = await t.app.inject({ method: 'GET', url: `/api/assessments/${id}/sheet`, headers: { cookie: agency } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe(XLSX_TYPE);
    return r.rawPayload;
  };
  const upload = (bytes: Buffer) => t.app.inject({ method: 'PUT', url: `/api/assessments/${id}/sheet`, headers: { cookie: agency, 'content-type': XLSX_TYPE }, payload: bytes });
  const edit = async (bytes: Buffer, change: (answers: ExcelJS.Worksheet, scope: ExcelJS.Worksheet) => void) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    change(wb.getWorksheet('Answers 填答')!, wb.getWorksheet('Scope 範圍')!);
    return Buffer.from(await wb.xlsx.writeBuffer());
  };
  const rowOf = (ws: ExcelJS.Worksheet, process: string, indicator: string) => {
    let found = 0;
    ws.eachRow((row, n) => {
      if (row.getCell(1).value === process && row.getCell(2).value === indicator) found = n;
    });
    return found;
  };
  const snapshot = async () => (await t.app.inject({ method: 'GET', url: `/api/assessments/${id}`, headers: { cookie: agency } })).json<{ answers: unknown[]; scope: unknown[] }>();

  it('lists every indicator, and an untouched round trip changes nothing', async () => {
    const bytes = await download();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const answers = wb.getWorksheet('Answers 填答')!;
    const index = await t.app.services.questionnaires.index('isgm-109@1.0.0');
    expect(answers.rowCount - 1).toBe(index.slotCount);
    const row = answers.getRow(rowOf(answers, 'GOV-01', 'BP1'));
    expect([row.getCell(6).value, row.getCell(7).value, row.getCell(10).value]).toEqual(['L', '政策文件', 1]);
    const before = await snapshot();
    const response = await upload(bytes);
    expect(response.json()).toEqual({ answers: 0, scope: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('applies the rows that changed', async () => {
    const bytes = await edit(await download(), (answers, scope) => {
      const r = answers.getRow(rowOf(answers, 'GOV-01', 'BP2'));
      r.getCell(6).value = 'F';
      r.getCell(7).value = '組織圖';
      const u = answers.getRow(rowOf(answers, 'GOV-01', 'BP1'));
      u.getCell(6).value = 'F';
      scope.eachRow((row) => {
        if (row.getCell(1).value === 'TEC-03') {
          row.getCell(3).value = 'no';
          row.getCell(4).value = '無自行開發系統';
        }
      });
    });
    expect((await upload(bytes)).json()).toEqual({ answers: 2, scope: 1 });
    const view = await snapshot();
    expect(view.answers).toEqual(expect.arrayContaining([expect.objectContaining({ process: 'GOV-01', indicator: 'BP1', rating: 'F', revision: 2 }), expect.objectContaining({ process: 'GOV-01', indicator: 'BP2', rating: 'F', evidence: '組織圖', revision: 1 })]));
    expect(view.scope).toEqual([{ process: 'TEC-03', inScope: false, justification: '無自行開發系統' }]);
  });

  it('reports every bad row with its sheet, row and column, and applies nothing', async () => {
    const old = await edit(await download(), () => undefined);
    await t.app.inject({ method: 'PUT', url: `/api/assessments/${id}/answers/GOV-01/BP1`, headers: { cookie: agency }, payload: { rating: 'P', evidence: '改版中', revision: 2 } });
    const before = await snapshot();
    let rows: Record<string, number> = {};
    const bytes = await edit(old, (answers, scope) => {
      rows = { bp1: rowOf(answers, 'GOV-01', 'BP1'), bp3: rowOf(answers, 'GOV-01', 'BP3'), gp: rowOf(answers, 'GOV-02', 'GP2.1.1'), bp4: rowOf(answers, 'GOV-02', 'BP4') };
      answers.getRow(rows.bp1!).getCell(7).value = 'stale edit';
      answers.getRow(rows.bp3!).getCell(6).value = 'X';
      answers.getRow(rows.gp!).getCell(6).value = 'NA';
      answers.getRow(rows.gp!).getCell(9).value = 'n/a';
      answers.getRow(rows.bp4!).getCell(6).value = 'NA';
      scope.getRow(2).getCell(3).value = 'maybe';
    });
    const response = await upload(bytes);
    expect(response.statusCode).toBe(400);
    const details = response.json<{ error: { details: unknown[] } }>().error.details;
    expect(details).toEqual(
      expect.arrayContaining([
        { path: 'Answers 填答', line: rows.bp1, column: 'J', message: 'GOV-01/BP1 changed since this sheet was exported (revision 3 now, 2 in the sheet)' },
        { path: 'Answers 填答', line: rows.bp3, column: 'F', message: 'rating "X" is not one of N, P, L, F, NA' },
        { path: 'Answers 填答', line: rows.gp, column: 'F', message: 'NA is allowed on base practices only, not on a generic practice' },
        { path: 'Answers 填答', line: rows.bp4, column: 'I', message: 'NA without a justification' },
        { path: 'Scope 範圍', line: 2, column: 'C', message: 'inScope must be yes or no, not "maybe"' },
      ]),
    );
    expect(await snapshot()).toEqual(before);
    const garbage = await upload(Buffer.from('not a workbook'));
    expect(garbage.statusCode).toBe(400);
  });
});
