// Builds test questionnaires in the full shipped shape (4 aspects, 18 processes, 9 PAs) without content.
import { ATTRIBUTE_LEVELS, type Indicator, type Questionnaire, type Rollup } from '../../src/domain/questionnaire.js';

const text = (zh: string, en: string) => ({ 'zh-TW': zh, en });

function indicator(id: string, label: string, weight = 1): Indicator {
  return {
    id,
    text: text(`測試指標 ${label}`, `Test indicator ${label}`),
    guidance: text(`評審員檢查 ${label} 的執行紀錄是否完整`, `The assessor checks the records of ${label} for completeness`),
    evidence: text(`證據範例：${label} 紀錄`, `Evidence examples: records of ${label}`),
    weight,
  };
}

/** Base practices per process, in order: 18 processes across GOV (5), MGT (5), TEC (4), DET (4). */
const SHAPE: Record<string, number[]> = { GOV: [4, 5, 3, 4, 6], MGT: [4, 4, 5, 3, 4], TEC: [5, 4, 6, 4], DET: [4, 5, 4, 3] };
/** Generic practices per PA 2.1 … 5.2. */
const GENERIC = [3, 2, 2, 3, 2, 2, 2, 2];

export interface FixtureOptions {
  rollup?: Rollup;
  ratingValues?: Questionnaire['scoring']['ratingValues'];
  targetLevel?: number | null;
  id?: string;
  version?: string;
  /** Weight of each indicator, by process and indicator id (default 1). */
  weight?: (process: string, indicator: string) => number;
  processWeight?: (process: string) => number;
  aspectWeight?: (aspect: string) => number;
}

export function buildQuestionnaire(options: FixtureOptions = {}): Questionnaire {
  const weight = options.weight ?? (() => 1);
  let g = 0;
  return {
    id: options.id ?? 'isgm-test',
    version: options.version ?? '1.0.0',
    rocYear: 109,
    targetLevel: options.targetLevel === undefined ? 3 : options.targetLevel,
    title: text('測試問卷', 'Test questionnaire'),
    scoring: { rollup: options.rollup ?? 'guarded-average', ...(options.ratingValues ? { ratingValues: options.ratingValues } : {}) },
    attributes: ATTRIBUTE_LEVELS.map(([id, level]) => ({
      id,
      level,
      name: text(`屬性 ${id}`, `Attribute ${id}`),
      indicators:
        level === 1
          ? []
          : Array.from({ length: GENERIC[g++]! }, (_, k) => {
              const gp = `GP${id.slice(2)}.${k + 1}`;
              return indicator(gp, gp, weight('*', gp));
            }),
    })),
    aspects: Object.entries(SHAPE).map(([aspect, counts]) => ({
      id: aspect,
      name: text(`面向 ${aspect}`, `Aspect ${aspect}`),
      weight: options.aspectWeight?.(aspect) ?? 1,
      processes: counts.map((count, i) => {
        const process = `${aspect}-0${i + 1}`;
        return {
          id: process,
          name: text(`流程 ${process}`, `Process ${process}`),
          purpose: text(`流程 ${process} 的目的`, `Purpose of ${process}`),
          weight: options.processWeight?.(process) ?? 1,
          indicators: Array.from({ length: count }, (_, k) => indicator(`BP${k + 1}`, `${process} BP${k + 1}`, weight(process, `BP${k + 1}`))),
        };
      }),
    })),
  };
}
