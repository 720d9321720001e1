// What the assessment pages show, built from the questionnaire, the assessment and its results: the
// processes by aspect with their progress, the gaps and the completeness lists as links, and one
// process's indicators by level with their answers. Pure.
import type { Indicator, Questionnaire } from '../../domain/questionnaire.js';
import type { ScoreResult } from '../../domain/scoring.js';

export interface AnswerLike {
  process: string;
  indicator: string;
  rating: string | null;
  evidence: string | null;
  note: string | null;
  justification: string | null;
  revision: number;
  unconfirmed: boolean;
  assessor: { rating: string; reason: string | null; stale: boolean } | null;
}

export interface EvidenceLike {
  id: string;
  process: string;
  indicator: string;
  name: string;
}

const key = (process: string, indicator: string) => `${process}/${indicator}`;

/** The levels whose indicators count toward progress: up to the target, or all five without one. */
const levelsCounted = (target: number | null) => target ?? 5;

/** Each (process, indicator) the overview links to, with the process's name and where on its page it sits. */
function linkTo(q: Questionnaire, assessmentId: string, ref: { process: string; indicator: string }) {
  const process = q.aspects.flatMap((a) => a.processes).find((p) => p.id === ref.process);
  return { ...ref, name: process?.name, href: `/assessments/${assessmentId}/processes/${ref.process}#ind-${ref.indicator.replace(/\./g, '-')}` };
}

/** The path to the target, one entry per process below it: its attributes still short, each with the indicators to raise. */
function gapsByProcess(q: Questionnaire, assessmentId: string, gaps: ScoreResult['gaps']) {
  const byProcess = new Map<string, { process: string; href: string; attributes: (ScoreResult['gaps'][number] & { links: ReturnType<typeof linkTo>[] })[] }>();
  for (const g of gaps) {
    const entry = byProcess.get(g.process) ?? { process: g.process, href: `/assessments/${assessmentId}/processes/${g.process}`, attributes: [] };
    entry.attributes.push({ ...g, links: g.indicators.map((indicator) => linkTo(q, assessmentId, { process: g.process, indicator })) });
    byProcess.set(g.process, entry);
  }
  return [...byProcess.values()];
}

export function overviewModel(q: Questionnaire, assessmentId: string, answers: readonly AnswerLike[], result: ScoreResult) {
  const answered = new Set(answers.filter((a) => a.rating !== null && !a.unconfirmed).map((a) => key(a.process, a.indicator)));
  const counted = levelsCounted(result.targetLevel);
  const generic = q.attributes.filter((a) => a.level <= counted).flatMap((a) => a.indicators);
  let done = 0;
  let total = 0;
  const aspects = q.aspects.map((aspect) => ({
    id: aspect.id,
    name: aspect.name,
    processes: aspect.processes.map((p) => {
      const ids = [...p.indicators.map((i) => i.id), ...generic.map((i) => i.id)];
      const n = ids.filter((id) => answered.has(key(p.id, id))).length;
      const scored = result.processes.find((r) => r.id === p.id);
      const inScope = scored?.inScope ?? true;
      if (inScope) {
        done += n;
        total += ids.length;
      }
      return { id: p.id, name: p.name, href: `/assessments/${assessmentId}/processes/${p.id}`, inScope, answered: n, total: ids.length, level: scored?.level ?? null };
    }),
  }));
  return {
    aspects,
    progress: { done, total },
    gaps: gapsByProcess(q, assessmentId, result.gaps),
    missing: result.completeness.missing.map((ref) => linkTo(q, assessmentId, ref)),
    missingEvidence: result.completeness.missingEvidence.map((ref) => linkTo(q, assessmentId, ref)),
  };
}

interface IndicatorModel {
  id: string;
  anchor: string;
  indicator: Indicator;
  basePractice: boolean;
  answer: AnswerLike | null;
  files: EvidenceLike[];
}

/** One process's page: its indicators grouped by level, then by process attribute, each with its answer and files. */
export function processModel(q: Questionnaire, processId: string, answers: readonly AnswerLike[], files: readonly EvidenceLike[]) {
  const all = q.aspects.flatMap((a) => a.processes.map((p) => ({ aspect: a, process: p })));
  const at = all.findIndex((x) => x.process.id === processId);
  if (at < 0) return null;
  const { aspect, process } = all[at]!;
  const byKey = new Map(answers.map((a) => [key(a.process, a.indicator), a]));
  const model = (indicator: Indicator, basePractice: boolean): IndicatorModel => ({
    id: indicator.id,
    anchor: `ind-${indicator.id.replace(/\./g, '-')}`,
    indicator,
    basePractice,
    answer: byKey.get(key(processId, indicator.id)) ?? null,
    files: files.filter((f) => f.process === processId && f.indicator === indicator.id),
  });
  const levels = [1, 2, 3, 4, 5].map((level) => ({
    level,
    attributes: q.attributes
      .filter((a) => a.level === level)
      .map((a) => ({ id: a.id, name: a.name, indicators: a.id === 'PA1.1' ? process.indicators.map((i) => model(i, true)) : a.indicators.map((i) => model(i, false)) })),
  }));
  return {
    aspect: { id: aspect.id, name: aspect.name },
    process: { id: process.id, name: process.name, purpose: process.purpose },
    levels,
    prev: at > 0 ? all[at - 1]!.process.id : null,
    next: at < all.length - 1 ? all[at + 1]!.process.id : null,
  };
}
