// Scoring speed: one full assessment (every indicator answered) timed one by one, and a batch of 10,000.
import { indexQuestionnaire, type AnswerRating, type QuestionnaireIndex } from '../src/domain/questionnaire.js';
import { score, type AnswerInput } from '../src/domain/scoring.js';
import { loadCatalog } from '../src/questionnaires/loader.js';
import { buildQuestionnaire } from '../test/helpers/questionnaire-fixture.js';
import type { BenchRow } from './table.js';

/** A small deterministic generator, so every run scores the same assessments. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fullAssessment(index: QuestionnaireIndex, random: () => number): AnswerInput[] {
  const ratings: AnswerRating[] = ['N', 'P', 'L', 'F', 'F', 'L'];
  const answers: AnswerInput[] = [];
  for (const p of index.processes) {
    for (const a of p.attributes) {
      for (const i of a.indicators) {
        const rating = ratings[Math.floor(random() * ratings.length)]!;
        answers.push({ process: p.id, indicator: i.id, rating, evidence: rating === 'N' ? null : 'minutes of the 2020 review' });
      }
    }
  }
  return answers;
}

function pickQuestionnaire(): QuestionnaireIndex {
  const shipped = [...loadCatalog().questionnaires.values()].find((q) => q.questionnaire.id === 'isgm-109');
  return shipped ?? indexQuestionnaire(buildQuestionnaire());
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export function benchScoring(): BenchRow[] {
  const index = pickQuestionnaire();
  const random = mulberry32(108);
  const pool = Array.from({ length: 500 }, () => fullAssessment(index, random));
  const indicators = pool[0]!.length;

  for (let i = 0; i < 3000; i++) score(index, { answers: pool[i % pool.length]! }); // warm-up

  const runs = 20_000;
  const times: number[] = new Array<number>(runs);
  let sink = 0;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = score(index, { answers: pool[i % pool.length]! });
    times[i] = Number(process.hrtime.bigint() - start) / 1000;
    sink += result.level;
  }
  times.sort((a, b) => a - b);

  const batch = 10_000;
  const batchStart = process.hrtime.bigint();
  for (let i = 0; i < batch; i++) sink += score(index, { answers: pool[i % pool.length]!, basis: 'self' }).level;
  const batchMs = Number(process.hrtime.bigint() - batchStart) / 1e6;
  if (sink < 0) console.log(sink);

  const subject = `${index.ref}, ${index.processes.length} processes, ${indicators} answers`;
  return [
    { name: 'score one assessment (median)', subject, value: `${percentile(times, 50).toFixed(1)} µs`, runs: String(runs), goal: '< 50 µs', ok: percentile(times, 50) < 50 },
    { name: 'score one assessment (p99)', subject, value: `${percentile(times, 99).toFixed(1)} µs`, runs: String(runs), goal: 'reported', ok: null },
    {
      name: 'score 10,000 assessments (batch)',
      subject,
      value: `${batchMs.toFixed(0)} ms (${((batchMs * 1000) / batch).toFixed(1)} µs each)`,
      runs: String(batch),
      goal: '< 50 µs each',
      ok: (batchMs * 1000) / batch < 50,
    },
  ];
}
