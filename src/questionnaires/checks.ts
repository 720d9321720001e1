// Semantic checks a JSON Schema cannot express: unique ids, the nine PAs in order, practice counts,
// rating values, and crosswalk ids that exist on both sides. Pure: takes parsed, shape-valid objects.
import {
  ATTRIBUTE_LEVELS,
  DEFAULT_RATING_VALUES,
  RATINGS,
  type Questionnaire,
  type QuestionnaireIndex,
} from '../domain/questionnaire.js';
import referenceIds from './reference-ids.json' with { type: 'json' };
import type { Problem } from './validator.js';

/** Known ISO/IEC 27001:2022 Annex A control ids and NIST CSF 2.0 subcategory ids. */
const KNOWN_REFERENCES = { iso27001: new Set(referenceIds.iso27001), nistCsf: new Set(referenceIds.nistCsf) };

export interface Crosswalk {
  from: string;
  to: string;
  processes: { from: string; to: string; note?: { 'zh-TW': string; en: string } }[];
  indicators: {
    from: { process: string; indicator: string };
    to: { process: string; indicator: string }[];
    note?: { 'zh-TW': string; en: string };
  }[];
}

function duplicates<T>(items: readonly T[], id: (t: T) => string, pointer: (i: number) => string, what: string): Problem[] {
  const seen = new Map<string, number>();
  const problems: Problem[] = [];
  items.forEach((item, i) => {
    const key = id(item);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else problems.push({ pointer: pointer(i), rule: 'unique-id', message: `${what} "${key}" is already used at ${pointer(first)}` });
  });
  return problems;
}

export function checkQuestionnaire(q: Questionnaire): Problem[] {
  const problems: Problem[] = [];

  q.attributes.forEach((a, i) => {
    const expected = ATTRIBUTE_LEVELS[i];
    if (expected && (a.id !== expected[0] || a.level !== expected[1])) {
      problems.push({
        pointer: `/attributes/${i}`,
        rule: 'attribute-order',
        message: `attribute ${i + 1} must be ${expected[0]} (level ${expected[1]}), found ${a.id} (level ${a.level}): the 9 PAs appear once each, in level order`,
      });
    }
    if (a.level === 1 && a.indicators.length > 0) {
      problems.push({
        pointer: `/attributes/${i}/indicators`,
        rule: 'generic-practice-count',
        message: 'PA1.1 lists no generic practices: its indicators are each process\'s base practices',
      });
    }
    if (a.level > 1 && (a.indicators.length < 2 || a.indicators.length > 4)) {
      problems.push({
        pointer: `/attributes/${i}/indicators`,
        rule: 'generic-practice-count',
        message: `${a.id} has ${a.indicators.length} generic practices; each PA from 2.1 to 5.2 has 2 to 4`,
      });
    }
  });

  const generic = q.attributes.flatMap((a, i) => a.indicators.map((g, j) => ({ id: g.id, pointer: `/attributes/${i}/indicators/${j}` })));
  problems.push(...duplicates(generic, (g) => g.id, (i) => generic[i]!.pointer, 'generic practice id'));
  const genericIds = new Set(generic.map((g) => g.id));

  problems.push(...duplicates(q.aspects, (a) => a.id, (i) => `/aspects/${i}`, 'aspect id'));
  const processes = q.aspects.flatMap((a, i) => a.processes.map((p, j) => ({ id: p.id, pointer: `/aspects/${i}/processes/${j}` })));
  problems.push(...duplicates(processes, (p) => p.id, (i) => processes[i]!.pointer, 'process id'));

  q.aspects.forEach((aspect, i) =>
    aspect.processes.forEach((p, j) => {
      const base = `/aspects/${i}/processes/${j}/indicators`;
      problems.push(...duplicates(p.indicators, (x) => x.id, (k) => `${base}/${k}`, `base practice id in ${p.id}`));
      p.indicators.forEach((x, k) => {
        if (genericIds.has(x.id)) {
          problems.push({ pointer: `${base}/${k}/id`, rule: 'unique-id', message: `base practice id "${x.id}" of ${p.id} is also a generic practice id` });
        }
      });
    }),
  );

  q.aspects.forEach((aspect, i) =>
    aspect.processes.forEach((p, j) =>
      p.indicators.forEach((x, k) => {
        for (const scheme of ['iso27001', 'nistCsf'] as const) {
          x.references?.[scheme]?.forEach((id, m) => {
            if (!KNOWN_REFERENCES[scheme].has(id)) {
              problems.push({
                pointer: `/aspects/${i}/processes/${j}/indicators/${k}/references/${scheme}/${m}`,
                rule: 'reference-id',
                message: `${id} is not a known ${scheme === 'iso27001' ? 'ISO/IEC 27001:2022 Annex A control' : 'NIST CSF 2.0 subcategory'}`,
              });
            }
          });
        }
      }),
    ),
  );

  const values = { ...DEFAULT_RATING_VALUES, ...(q.scoring.ratingValues ?? {}) };
  for (let i = 1; i < RATINGS.length; i++) {
    const lower = RATINGS[i - 1]!;
    const upper = RATINGS[i]!;
    if (!(values[upper] > values[lower])) {
      problems.push({
        pointer: '/scoring/ratingValues',
        rule: 'rating-values-increasing',
        message: `rating values must strictly increase N < P < L < F; ${lower} = ${values[lower]} and ${upper} = ${values[upper]}`,
      });
    }
  }
  return problems;
}

/** Checks a crosswalk against the two questionnaires it names (each resolved by the caller, or missing). */
export function checkCrosswalk(
  c: Crosswalk,
  resolve: (ref: string) => QuestionnaireIndex | undefined,
): Problem[] {
  const older = resolve(c.from);
  const newer = resolve(c.to);
  const problems: Problem[] = [];
  if (!older) problems.push({ pointer: '/from', rule: 'crosswalk-questionnaire', message: `questionnaire ${c.from} was not found` });
  if (!newer) problems.push({ pointer: '/to', rule: 'crosswalk-questionnaire', message: `questionnaire ${c.to} was not found` });
  if (!older || !newer) return problems;

  problems.push(...duplicates(c.processes, (p) => p.from, (i) => `/processes/${i}/from`, 'process mapping from'));
  c.processes.forEach((p, i) => {
    if (!older.processById.has(p.from)) problems.push({ pointer: `/processes/${i}/from`, rule: 'crosswalk-unknown-process', message: `process ${p.from} is not in ${c.from}` });
    if (!newer.processById.has(p.to)) problems.push({ pointer: `/processes/${i}/to`, rule: 'crosswalk-unknown-process', message: `process ${p.to} is not in ${c.to}` });
  });
  const mappedProcesses = new Set(c.processes.map((p) => p.from));
  for (const p of older.processes) {
    if (!mappedProcesses.has(p.id)) problems.push({ pointer: '/processes', rule: 'crosswalk-coverage', message: `process ${p.id} of ${c.from} has no mapping`, process: p.id });
  }

  const key = (r: { process: string; indicator: string }) => `${r.process}/${r.indicator}`;
  problems.push(...duplicates(c.indicators, (m) => key(m.from), (i) => `/indicators/${i}/from`, 'indicator mapping from'));
  c.indicators.forEach((m, i) => {
    if (!older.processById.get(m.from.process)?.indicatorById.has(m.from.indicator)) {
      problems.push({ pointer: `/indicators/${i}/from`, rule: 'crosswalk-unknown-indicator', message: `${key(m.from)} is not an indicator of ${c.from}`, ...m.from });
    }
    m.to.forEach((t, j) => {
      if (!newer.processById.get(t.process)?.indicatorById.has(t.indicator)) {
        problems.push({ pointer: `/indicators/${i}/to/${j}`, rule: 'crosswalk-unknown-indicator', message: `${key(t)} is not an indicator of ${c.to}`, ...t });
      }
    });
    if (m.to.length === 0 && !m.note) {
      problems.push({ pointer: `/indicators/${i}`, rule: 'crosswalk-note', message: `${key(m.from)} maps to no indicator and needs a note saying why`, ...m.from });
    }
  });
  const mapped = new Set(c.indicators.map((m) => key(m.from)));
  for (const p of older.processes) {
    for (const id of p.indicatorById.keys()) {
      if (!mapped.has(`${p.id}/${id}`)) {
        problems.push({ pointer: '/indicators', rule: 'crosswalk-coverage', message: `${p.id}/${id} of ${c.from} is not mapped`, process: p.id, indicator: id });
      }
    }
  }
  return problems;
}
