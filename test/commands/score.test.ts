// The `score` and `validate` commands as docs/api.md describes them: run in-process as `npm run --silent cli`
// runs them (test/helpers/cli.ts), plus one smoke test of that npm command itself in a real process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { indexQuestionnaire } from '../../src/domain/questionnaire.js';
import { score } from '../../src/domain/scoring.js';
import { answerAll } from '../helpers/answers.js';
import { runCli, runNpmCli } from '../helpers/cli.js';
import { buildQuestionnaire } from '../helpers/questionnaire-fixture.js';

let dir: string;
let questionnaireFile: string;
const questionnaire = buildQuestionnaire();
const index = indexQuestionnaire(questionnaire);

function writeJson(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-'));
  questionnaireFile = writeJson('isgm-test.json', questionnaire);
});

describe('score', () => {
  it('prints the result JSON of a valid document and exits 0', async () => {
    const answers = answerAll(index, (_p, _i, level) => (level <= 2 ? 'F' : level === 3 ? 'L' : undefined));
    const doc = { questionnaire: 'isgm-108@1.0.0', answers: answers.map(({ process, indicator, rating, evidence }) => ({ process, indicator, rating, evidence })), outOfScope: [{ process: 'DET-04', justification: 'no ISAC membership yet' }] };
    const run = await runCli(['score', '--questionnaire', questionnaireFile, writeJson('answers.json', doc)]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as ReturnType<typeof score>;
    expect(result).toEqual(score(index, { answers, outOfScope: ['DET-04'], basis: 'self' }));
    expect(result).toMatchObject({ questionnaire: 'isgm-test@1.0.0', basis: 'self', level: 3, score: 3, meetsTarget: true, targetLevel: 3 });
  });

  it('takes --target over the file default', async () => {
    const doc = { answers: answerAll(index, 'F', ['GOV-01']) };
    const run = await runCli(['score', '--target', '2', '--questionnaire', questionnaireFile, writeJson('a2.json', doc)]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ targetLevel: 2, level: 0, meetsTarget: false });
  });

  it('refuses a bad document whole, naming every problem on stderr with nothing on stdout', async () => {
    const doc = {
      answers: [
        { process: 'GOV-01', indicator: 'BP1', rating: 'X' },
        { process: 'GOV-01', indicator: 'GP2.1.1', rating: 'NA', justification: 'n/a' },
        { process: 'GOV-09', indicator: 'BP1', rating: 'F' },
        { process: 'GOV-01', indicator: 'BP2', rating: 'NA' },
      ],
      outOfScope: [{ process: 'MGT-01' }],
    };
    const file = writeJson('bad.json', doc);
    const run = await runCli(['score', '--questionnaire', questionnaireFile, file]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      `${file}: /outOfScope/0/justification: MGT-01: out of scope without a justification`,
      `${file}: /answers/0/rating: GOV-01 BP1: rating "X" is not one of N, P, L, F, NA`,
      `${file}: /answers/1/rating: GOV-01 GP2.1.1: NA is allowed on base practices only, not on a generic practice`,
      `${file}: /answers/2/process: GOV-09 BP1: unknown process GOV-09`,
      `${file}: /answers/3/justification: GOV-01 BP2: NA without a justification`,
    ]);
  });

  it('refuses a questionnaire that does not exist', async () => {
    const run = await runCli(['score', '--questionnaire', 'isgm-999@1.0.0', writeJson('a3.json', { answers: [] })]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/questionnaire isgm-999@1\.0\.0 does not exist/);
  });

  it('refuses a document of the wrong shape and a bad --target', async () => {
    const shape = await runCli(['score', '--questionnaire', questionnaireFile, writeJson('a4.json', { answer: [] })]);
    expect(shape.status).toBe(1);
    expect(shape.stderr).toMatch(/must have property "answers"/);
    const target = await runCli(['score', '--target', '7', '--questionnaire', questionnaireFile, writeJson('a5.json', { answers: [] })]);
    expect(target.status).toBe(1);
    expect(target.stderr).toMatch(/--target must be a level from 1 to 5/);
    expect(target.stdout).toBe('');
  });
});

describe('validate', () => {
  it('exits 0 for valid files and 1 naming file, pointer and rule for an invalid one', async () => {
    const ok = await runCli(['validate', questionnaireFile]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^ok .*isgm-test\.json: isgm-test@1\.0\.0, 4 aspects, 18 processes/);
    const broken = buildQuestionnaire();
    (broken.scoring as { rollup: string }).rollup = 'mean';
    const file = writeJson('broken.json', broken);
    const bad = await runCli(['validate', questionnaireFile, file]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(`${file}: /scoring/rollup: [enum] must be one of "guarded-average", "weighted-average", "minimum"`);
  });

  it('prints help and refuses an unknown command', async () => {
    expect((await runCli(['help'])).stdout).toMatch(/Usage: govsec-maturity <command>/);
    const unknown = await runCli(['frobnicate']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  });
});

describe('npm run --silent cli (a real process, as README shows)', () => {
  it('validates the shipped questionnaires with exit 0, and refuses a bad document with exit 1 and nothing on stdout', async () => {
    const [ok, bad] = await Promise.all([
      runNpmCli(['validate']),
      runNpmCli(['score', '--questionnaire', questionnaireFile, writeJson('smoke.json', { answers: [{ process: 'GOV-01', indicator: 'BP1', rating: 'X' }] })]),
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^ok questionnaires\/\S+\.json: isgm-\d+@\d+\.\d+\.\d+, \d+ aspects/m);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/\/answers\/0\/rating: GOV-01 BP1: rating "X" is not one of N, P, L, F, NA/);
  });
});
