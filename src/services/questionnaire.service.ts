// Questionnaire versions: the shipped files are stored once; a changed file under a stored version is refused.
import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import type { Clock } from './clock.js';
import { composePath, crosswalkPath, indicatorKey, type CrosswalkEdge, type Mapping } from '../domain/crosswalk.js';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { canonicalJson } from '../domain/canonical-json.js';
import { indexQuestionnaire, type LocalizedText, type Questionnaire, type QuestionnaireIndex } from '../domain/questionnaire.js';
import { findQuestionnaireVersion, insertQuestionnaireVersion, listQuestionnaireVersions } from '../repositories/cycle.repository.js';
import { compareVersions, type LoadedCrosswalk, type LoadedQuestionnaire } from '../questionnaires/loader.js';
import { notFound } from './errors.js';

export class QuestionnaireChangedError extends Error {
  constructor(readonly file: string, readonly ref: string) {
    super(`${file} changes ${ref}, which is already stored with other content: a published version never changes — give the file a new version number`);
    this.name = 'QuestionnaireChangedError';
  }
}

const contentHash = (q: Questionnaire): string => createHash('sha256').update(canonicalJson(q)).digest('hex');

export interface QuestionnaireSummary {
  id: string;
  version: string;
  rocYear: number;
  title: LocalizedText;
  targetLevel: number | null;
}

export class QuestionnaireService {
  private readonly indexes = new Map<string, QuestionnaireIndex>();
  private crosswalks: CrosswalkEdge[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** Stores every shipped version not yet stored; refuses the start if a stored one changed. */
  async storeShipped(loaded: Iterable<LoadedQuestionnaire>): Promise<string[]> {
    const stored: string[] = [];
    for (const q of loaded) {
      const hash = contentHash(q.questionnaire);
      const existing = await findQuestionnaireVersion(this.db, q.ref);
      if (existing) {
        if (existing.contentSha256 !== hash) throw new QuestionnaireChangedError(relative(process.cwd(), q.file), q.ref);
        continue;
      }
      await insertQuestionnaireVersion(this.db, {
        ref: q.ref,
        id: q.questionnaire.id,
        version: q.questionnaire.version,
        rocYear: q.questionnaire.rocYear,
        targetLevel: q.questionnaire.targetLevel ?? null,
        titleZh: q.questionnaire.title['zh-TW'],
        titleEn: q.questionnaire.title.en,
        content: JSON.stringify(q.questionnaire),
        contentSha256: hash,
        storedAt: this.clock.now().toISOString(),
      });
      stored.push(q.ref);
    }
    return stored;
  }

  /** Keeps the shipped crosswalks, each indicator's mapping by `process/indicator`. */
  useCrosswalks(loaded: Iterable<LoadedCrosswalk>): void {
    for (const { crosswalk } of loaded) {
      const map = new Map(crosswalk.indicators.map((m) => [indicatorKey(m.from), { to: m.to, plain: m.to.length === 1 && m.note === undefined }]));
      this.crosswalks = [...this.crosswalks.filter((e) => e.from !== crosswalk.from || e.to !== crosswalk.to), { from: crosswalk.from, to: crosswalk.to, map }];
    }
  }

  /** The crosswalks in use, each as an edge from one version to another. */
  edges(): readonly CrosswalkEdge[] {
    return this.crosswalks;
  }

  /** Where each indicator of `from` goes in `to`, composed along the shortest chain of crosswalks; undefined where none leads. */
  crosswalk(from: string, to: string): Map<string, Mapping> | undefined {
    const path = crosswalkPath(this.crosswalks, from, to);
    return (path && composePath(path)) ?? undefined;
  }

  async list(): Promise<QuestionnaireSummary[]> {
    return (await listQuestionnaireVersions(this.db)).map((row) => ({
      id: row.id,
      version: row.version,
      rocYear: row.rocYear,
      title: { 'zh-TW': row.titleZh, en: row.titleEn },
      targetLevel: row.targetLevel,
    }));
  }

  /** One whole questionnaire; without a version, its highest. */
  async get(id: string, version?: string): Promise<Questionnaire> {
    let ref = version ? `${id}@${version}` : undefined;
    if (!ref) {
      const versions = (await listQuestionnaireVersions(this.db)).filter((row) => row.id === id).sort((a, b) => compareVersions(b.version, a.version));
      ref = versions[0]?.ref;
    }
    const row = ref ? await findQuestionnaireVersion(this.db, ref) : undefined;
    if (!row) throw notFound(`no questionnaire ${version ? `${id}@${version}` : id}`);
    return JSON.parse(row.content) as Questionnaire;
  }

  async exists(ref: string): Promise<boolean> {
    return (await findQuestionnaireVersion(this.db, ref)) !== undefined;
  }

  /** The scoring index of a stored version, built once per process. */
  async index(ref: string): Promise<QuestionnaireIndex> {
    let index = this.indexes.get(ref);
    if (!index) {
      const row = await findQuestionnaireVersion(this.db, ref);
      if (!row) throw notFound(`no questionnaire ${ref}`);
      index = indexQuestionnaire(JSON.parse(row.content) as Questionnaire);
      this.indexes.set(ref, index);
    }
    return index;
  }
}
