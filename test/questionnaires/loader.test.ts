// Questionnaire and crosswalk files: the schema, the semantic checks, and errors naming file, pointer and rule.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Questionnaire } from '../../src/domain/questionnaire.js';
import { QuestionnaireFileError, loadQuestionnaireFile, resolveQuestionnaire, validateFiles } from '../../src/questionnaires/loader.js';
import { buildQuestionnaire } from '../helpers/questionnaire-fixture.js';

function write(dir: string, name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}

function problemsOf(mutate: (q: Questionnaire) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'q-'));
  const q = buildQuestionnaire();
  mutate(q);
  const file = write(dir, 'q.json', q);
  return validateFiles([file]).problems.map((p) => ({ ...p, file: p.file === file ? 'q.json' : p.file }));
}

function crosswalkFixture() {
  const dir = mkdtempSync(join(tmpdir(), 'cw-'));
  write(dir, 'old.json', buildQuestionnaire({ id: 'isgm-old' }));
  const newer = buildQuestionnaire({ id: 'isgm-new' });
  write(dir, 'new.json', newer);
  const older = buildQuestionnaire({ id: 'isgm-old' });
  const indicators = older.aspects.flatMap((a) =>
    a.processes.flatMap((p) => [...p.indicators, ...older.attributes.flatMap((x) => x.indicators)].map((i) => ({ from: { process: p.id, indicator: i.id }, to: [{ process: p.id, indicator: i.id }] }))),
  );
  const processes = older.aspects.flatMap((a) => a.processes.map((p) => ({ from: p.id, to: p.id })));
  return { dir, crosswalk: { from: 'isgm-old@1.0.0', to: 'isgm-new@1.0.0', processes, indicators } };
}

describe('questionnaire files', () => {
  it('loads a valid file', () => {
    expect(problemsOf(() => undefined)).toEqual([]);
  });

  it('takes an optional agencyGuidance in both languages, and refuses one without English', () => {
    const first = (q: Questionnaire) => q.aspects[0]!.processes[0]!.indicators[0]!;
    expect(problemsOf((q) => (first(q).agencyGuidance = { 'zh-TW': '引用核定之政策文件（文號、日期）', en: 'cite the approved policy (number, date)' }))).toEqual([]);
    const problems = problemsOf((q) => (first(q).agencyGuidance = { 'zh-TW': '引用核定之政策文件' } as never));
    expect(problems.map((p) => p.pointer)).toEqual(['/aspects/0/processes/0/indicators/0/agencyGuidance']);
  });

  it('names the file, the JSON pointer and the rule of a schema error', () => {
    expect(problemsOf((q) => ((q.aspects[1]!.processes[2]!.indicators[0]!.text as Record<string, string>).en = ''))).toEqual([
      { file: 'q.json', pointer: '/aspects/1/processes/2/indicators/0/text/en', rule: 'pattern', message: 'must match pattern "\\S"' },
    ]);
    expect(problemsOf((q) => delete (q.aspects[0]!.processes[0]!.indicators[1] as Partial<Questionnaire['aspects'][0]['processes'][0]['indicators'][0]>).guidance)).toEqual([
      { file: 'q.json', pointer: '/aspects/0/processes/0/indicators/1', rule: 'required', message: 'must have property "guidance"' },
    ]);
  });

  it('requires both languages on every text', () => {
    const problems = problemsOf((q) => delete (q.title as Partial<Record<string, string>>)['zh-TW']);
    expect(problems).toEqual([{ file: 'q.json', pointer: '/title', rule: 'required', message: 'must have property "zh-TW"' }]);
  });

  it('refuses an unknown rollup and weights that are not positive', () => {
    const rules = problemsOf((q) => {
      (q.scoring as { rollup: string }).rollup = 'median';
      q.aspects[0]!.weight = 0;
      q.aspects[0]!.processes[0]!.indicators[0]!.weight = -1;
    }).map((p) => `${p.pointer} ${p.rule}`);
    expect(rules).toEqual(['/scoring/rollup enum', '/aspects/0/weight exclusiveMinimum', '/aspects/0/processes/0/indicators/0/weight exclusiveMinimum']);
  });

  it('refuses fewer than 3 or more than 6 base practices', () => {
    expect(problemsOf((q) => q.aspects[0]!.processes[0]!.indicators.splice(2)).map((p) => `${p.pointer} ${p.rule}`)).toEqual(['/aspects/0/processes/0/indicators minItems']);
    expect(
      problemsOf((q) => {
        const p = q.aspects[0]!.processes[4]!; // 6 already
        p.indicators.push({ ...p.indicators[0]!, id: 'BP7' });
      }).map((p) => `${p.pointer} ${p.rule}`),
    ).toEqual(['/aspects/0/processes/4/indicators maxItems']);
  });

  it('requires the 9 PAs once each in level order, with 2–4 generic practices and none on PA1.1', () => {
    const swapped = problemsOf((q) => ([q.attributes[3], q.attributes[4]] = [q.attributes[4]!, q.attributes[3]!]));
    expect(swapped.map((p) => `${p.pointer} ${p.rule}`)).toEqual(['/attributes/3 attribute-order', '/attributes/4 attribute-order']);
    const one = problemsOf((q) => q.attributes[1]!.indicators.splice(1));
    expect(one).toEqual([{ file: 'q.json', pointer: '/attributes/1/indicators', rule: 'generic-practice-count', message: 'PA2.1 has 1 generic practices; each PA from 2.1 to 5.2 has 2 to 4' }]);
    const onPa11 = problemsOf((q) => q.attributes[0]!.indicators.push({ ...q.attributes[1]!.indicators[0]!, id: 'GP1.1.1' }));
    expect(onPa11.map((p) => p.rule)).toEqual(['generic-practice-count']);
  });

  it('refuses duplicate ids', () => {
    const problems = problemsOf((q) => {
      q.aspects[1]!.processes[0]!.id = 'GOV-02';
      q.aspects[0]!.processes[0]!.indicators[1]!.id = 'BP1';
      q.attributes[2]!.indicators[0]!.id = 'GP2.1.1';
    });
    expect(problems.map((p) => `${p.pointer} ${p.rule}`)).toEqual([
      '/attributes/2/indicators/0 unique-id',
      '/aspects/1/processes/0 unique-id',
      '/aspects/0/processes/0/indicators/1 unique-id',
    ]);
  });

  it('refuses reference ids that are not ISO/IEC 27001:2022 Annex A controls or NIST CSF 2.0 subcategories', () => {
    const problems = problemsOf((q) => (q.aspects[0]!.processes[0]!.indicators[0]!.references = { iso27001: ['A.5.1', 'A.5.99'], nistCsf: ['GV.PO-01', 'ID.AM-06'] }));
    expect(problems).toEqual([
      { file: 'q.json', pointer: '/aspects/0/processes/0/indicators/0/references/iso27001/1', rule: 'reference-id', message: 'A.5.99 is not a known ISO/IEC 27001:2022 Annex A control' },
      { file: 'q.json', pointer: '/aspects/0/processes/0/indicators/0/references/nistCsf/1', rule: 'reference-id', message: 'ID.AM-06 is not a known NIST CSF 2.0 subcategory' },
    ]);
  });

  it('requires rating values strictly increasing within 0..1', () => {
    expect(problemsOf((q) => (q.scoring.ratingValues = { P: 0.7 })).map((p) => `${p.pointer} ${p.rule}`)).toEqual(['/scoring/ratingValues rating-values-increasing']);
    expect(problemsOf((q) => (q.scoring.ratingValues = { F: 1.2 })).map((p) => `${p.pointer} ${p.rule}`)).toEqual(['/scoring/ratingValues/F maximum']);
    expect(problemsOf((q) => (q.scoring.ratingValues = { N: 0.1, P: 0.4 }))).toEqual([]);
  });

  it('names the file of invalid JSON and never loads an invalid file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'q-'));
    const file = write(dir, 'broken.json', '{ "id": ');
    expect(validateFiles([file]).problems).toMatchObject([{ file, pointer: '/', rule: 'json' }]);
    expect(() => loadQuestionnaireFile(file)).toThrow(QuestionnaireFileError);
  });

  it('resolves a path as it is and refuses an unknown id@version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'q-'));
    const file = write(dir, 'isgm-test.json', buildQuestionnaire());
    expect(resolveQuestionnaire(file).ref).toBe('isgm-test@1.0.0');
    expect(resolveQuestionnaire('isgm-test@1.0.0', dir).file).toBe(file);
    expect(resolveQuestionnaire('isgm-test', dir).file).toBe(file);
    expect(() => resolveQuestionnaire('isgm-test@9.9.9', dir)).toThrow(/isgm-test@9\.9\.9 does not exist/);
  });
});

describe('crosswalk files', () => {
  it('validates a complete crosswalk against both questionnaires in its folder', () => {
    const { dir, crosswalk } = crosswalkFixture();
    const file = write(dir, 'crosswalk-old-new.json', crosswalk);
    expect(validateFiles([file]).problems).toEqual([]);
  });

  it('refuses ids missing on either side, an unmapped indicator and a dropped one without note', () => {
    const { dir, crosswalk } = crosswalkFixture();
    crosswalk.indicators[0]!.to = [{ process: 'GOV-01', indicator: 'BP99' }];
    crosswalk.indicators[1]!.from = { process: 'GOV-77', indicator: 'BP2' };
    crosswalk.indicators[2]!.to = [];
    const file = write(dir, 'crosswalk-old-new.json', crosswalk);
    const problems = validateFiles([file]).problems.map((p) => `${p.pointer} ${p.rule}`);
    expect(problems).toEqual([
      '/indicators/0/to/0 crosswalk-unknown-indicator',
      '/indicators/1/from crosswalk-unknown-indicator',
      '/indicators/2 crosswalk-note',
      '/indicators crosswalk-coverage',
    ]);
  });

  it('refuses a crosswalk to a questionnaire that does not exist', () => {
    const { dir, crosswalk } = crosswalkFixture();
    const file = write(dir, 'crosswalk-old-new.json', { ...crosswalk, to: 'isgm-none@1.0.0' });
    expect(validateFiles([file]).problems).toEqual([{ file, pointer: '/to', rule: 'crosswalk-questionnaire', message: 'questionnaire isgm-none@1.0.0 was not found' }]);
  });
});
