// The questionnaire model (docs/domain.md §3) and a precomputed index that scoring walks without lookups.

export type Lang = 'zh-TW' | 'en';
export type LocalizedText = Record<Lang, string>;

export type Rating = 'N' | 'P' | 'L' | 'F';
export type AnswerRating = Rating | 'NA';
export const RATINGS: readonly Rating[] = ['N', 'P', 'L', 'F'];
export const ANSWER_RATINGS: readonly AnswerRating[] = ['N', 'P', 'L', 'F', 'NA'];

export type Rollup = 'guarded-average' | 'weighted-average' | 'minimum';
export const ROLLUPS: readonly Rollup[] = ['guarded-average', 'weighted-average', 'minimum'];

export interface References {
  iso27001?: string[];
  nistCsf?: string[];
}

export interface Indicator {
  id: string;
  text: LocalizedText;
  guidance: LocalizedText;
  evidence: LocalizedText;
  /** For the person filling it in: which named record to cite for L and for F (from version 1.1.0 on). */
  agencyGuidance?: LocalizedText;
  weight?: number;
  references?: References;
}

export interface Attribute {
  id: string;
  level: number;
  name: LocalizedText;
  indicators: Indicator[];
}

export interface Process {
  id: string;
  name: LocalizedText;
  purpose: LocalizedText;
  weight?: number;
  indicators: Indicator[];
}

export interface Aspect {
  id: string;
  name: LocalizedText;
  weight?: number;
  processes: Process[];
}

export interface Questionnaire {
  id: string;
  version: string;
  rocYear: number;
  targetLevel?: number | null;
  title: LocalizedText;
  scoring: { rollup: Rollup; ratingValues?: Partial<Record<Rating, number>> };
  attributes: Attribute[];
  aspects: Aspect[];
}

/** The nine process attributes of ISO/IEC 33020, in level order. */
export const ATTRIBUTE_LEVELS: ReadonlyArray<readonly [string, number]> = [
  ['PA1.1', 1],
  ['PA2.1', 2],
  ['PA2.2', 2],
  ['PA3.1', 3],
  ['PA3.2', 3],
  ['PA4.1', 4],
  ['PA4.2', 4],
  ['PA5.1', 5],
  ['PA5.2', 5],
];

export const DEFAULT_RATING_VALUES: Readonly<Record<Rating, number>> = { N: 0, P: 1 / 3, L: 2 / 3, F: 1 };

export function questionnaireRef(q: Pick<Questionnaire, 'id' | 'version'>): string {
  return `${q.id}@${q.version}`;
}

/** One indicator as it applies to one process, with its position in questionnaire order. */
export interface IndexedIndicator {
  id: string;
  weight: number;
  order: number;
  /** Position of this (process, indicator) pair in the per-assessment rating arrays. */
  slot: number;
  /** Base practices may be rated NA; generic practices may not. */
  basePractice: boolean;
}

export interface IndexedAttribute {
  id: string;
  level: number;
  indicators: IndexedIndicator[];
}

export interface IndexedProcess {
  id: string;
  aspect: string;
  /** aspect weight × process weight */
  weight: number;
  attributes: IndexedAttribute[];
  /** every indicator id of this process → its entry */
  indicatorById: Map<string, IndexedIndicator & { attribute: string; level: number }>;
  basePracticeCount: number;
}

export interface QuestionnaireIndex {
  ref: string;
  questionnaire: Questionnaire;
  targetLevel: number | null;
  rollup: Rollup;
  ratingValues: Readonly<Record<Rating, number>>;
  aspects: { id: string; processes: IndexedProcess[] }[];
  processes: IndexedProcess[];
  processById: Map<string, IndexedProcess>;
  /** How many (process, indicator) pairs the questionnaire has. */
  slotCount: number;
  /** The process and indicator id of each slot, in questionnaire order. */
  slotProcess: string[];
  slotIndicator: string[];
}

/** Builds the index once per questionnaire; scoring reuses it for every assessment. */
export function indexQuestionnaire(q: Questionnaire): QuestionnaireIndex {
  const ratingValues = { ...DEFAULT_RATING_VALUES, ...(q.scoring.ratingValues ?? {}) };
  const processes: IndexedProcess[] = [];
  let slot = 0;
  const slotProcess: string[] = [];
  const slotIndicator: string[] = [];
  const aspects = q.aspects.map((aspect) => {
    const aspectProcesses = aspect.processes.map((p) => {
      let order = 0;
      const indicatorById: IndexedProcess['indicatorById'] = new Map();
      const attributes: IndexedAttribute[] = q.attributes.map((a) => {
        const source = a.level === 1 ? p.indicators : a.indicators;
        const indicators = source.map((i) => {
          const entry = { id: i.id, weight: i.weight ?? 1, order: order++, slot: slot++, basePractice: a.level === 1 };
          indicatorById.set(i.id, { ...entry, attribute: a.id, level: a.level });
          slotProcess.push(p.id);
          slotIndicator.push(i.id);
          return entry;
        });
        return { id: a.id, level: a.level, indicators };
      });
      const indexed: IndexedProcess = {
        id: p.id,
        aspect: aspect.id,
        weight: (aspect.weight ?? 1) * (p.weight ?? 1),
        attributes,
        indicatorById,
        basePracticeCount: p.indicators.length,
      };
      processes.push(indexed);
      return indexed;
    });
    return { id: aspect.id, processes: aspectProcesses };
  });
  return {
    ref: questionnaireRef(q),
    questionnaire: q,
    targetLevel: q.targetLevel ?? null,
    rollup: q.scoring.rollup,
    ratingValues,
    aspects,
    processes,
    processById: new Map(processes.map((p) => [p.id, p])),
    slotCount: slot,
    slotProcess,
    slotIndicator,
  };
}
