// A stream of answer writes over real HTTP to a server process, and the check that the answers a database
// holds agree with its audit trail write for write: what the fault tests (kill, backup under load) share.
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/types.js';
import type { FastifyInstance } from 'fastify';
import { seedPeople, tokenFor } from './app.js';

export interface Slot {
  process: string;
  indicator: string;
}

/** One PUT of the stream: its slot, the revision it was based on, what it wrote (the evidence names it) and how it ended. */
export interface StreamWrite {
  n: number;
  slot: Slot;
  revision: number;
  rating: 'N' | 'P' | 'L' | 'F';
  evidence: string;
  /** The HTTP status, or 'failed' when no response came (the connection died with the server). */
  outcome?: number | 'failed';
}

export interface AnswerStream {
  writes: StreamWrite[];
  acknowledged(): number;
  inFlight(): number;
  /** No worker starts another write; those in flight finish. */
  stop(): void;
  /** Every worker has ended (stopped, or its write failed). */
  done: Promise<void>;
}

const RATINGS = ['N', 'P', 'L', 'F'] as const;

/**
 * The prepared database of a fault test: the seeded people, a draft of cycle 109 for MOI-A, a bearer token
 * of `agency` (tokens live in the database, so they hold across restarts) and `slots` indicators to write.
 */
export async function prepareDraft(app: FastifyInstance, slots: number): Promise<{ assessment: string; authorization: string; slots: Slot[] }> {
  await seedPeople(app);
  const system = { id: 'system', username: 'system', role: 'office' as const, agency: null, ministry: null };
  const { id } = await app.services.assessments.create(system, { agency: 'MOI-A', cycle: 109 });
  const a = await app.services.handle.db.selectFrom('assessments').select('questionnaire').where('id', '=', id).executeTakeFirstOrThrow();
  const index = await app.services.questionnaires.index(a.questionnaire);
  const all = index.processes.flatMap((p) => p.attributes.flatMap((at) => at.indicators.map((i) => ({ process: p.id, indicator: i.id }))));
  if (all.length < slots) throw new Error(`the questionnaire has only ${all.length} indicators`);
  return { assessment: id, authorization: await tokenFor(app, 'agency'), slots: all.slice(0, slots) };
}

/**
 * `workers` writers, each owning every `workers`-th slot and writing its slots round-robin, one write at a
 * time, with the revision its last acknowledged write returned: writes never conflict with each other, so
 * any outcome but 200 is the fault under test. A worker ends at its first write without a 200.
 */
export function startAnswerStream(options: { base: string; assessment: string; authorization: string; slots: Slot[]; workers: number; onAck?: (acknowledged: number) => void }): AnswerStream {
  const writes: StreamWrite[] = [];
  let acknowledged = 0;
  let inFlight = 0;
  let stopped = false;
  const worker = async (w: number): Promise<void> => {
    const mine = options.slots.filter((_, i) => i % options.workers === w);
    const revisions = mine.map(() => 0);
    for (let round = 0; !stopped; round++) {
      const k = round % mine.length;
      const slot = mine[k]!;
      const write: StreamWrite = { n: writes.length, slot, revision: revisions[k]!, rating: RATINGS[writes.length % RATINGS.length]!, evidence: `write ${writes.length}` };
      writes.push(write);
      inFlight++;
      try {
        const response = await fetch(`${options.base}/api/assessments/${options.assessment}/answers/${slot.process}/${slot.indicator}`, {
          method: 'PUT',
          headers: { authorization: options.authorization, 'content-type': 'application/json' },
          body: JSON.stringify({ rating: write.rating, evidence: write.evidence, revision: write.revision }),
        });
        await response.arrayBuffer();
        write.outcome = response.status;
      } catch {
        write.outcome = 'failed';
      } finally {
        inFlight--;
      }
      if (write.outcome !== 200) return;
      revisions[k] = write.revision + 1;
      acknowledged++;
      options.onAck?.(acknowledged);
    }
  };
  const done = Promise.all(Array.from({ length: options.workers }, (_, w) => worker(w))).then(() => undefined);
  return { writes, acknowledged: () => acknowledged, inFlight: () => inFlight, stop: () => void (stopped = true), done };
}

export interface StoredAnswerState {
  slot: string;
  revision: number;
  rating: string;
  evidence: string | null;
}

/**
 * What a database holds of the stream, and every disagreement between the answers and the audit trail:
 * each stored answer must be the `after` of an `answer.put` entry, and each slot must have exactly one entry
 * per revision from 1 to its stored revision, each the content of a write of the stream.
 */
export async function answersAgainstAudit(db: Kysely<Database>, assessment: string, writes: readonly StreamWrite[]): Promise<{ answers: Map<string, StoredAnswerState>; entries: number; problems: string[] }> {
  const key = (s: Slot) => `${s.process}/${s.indicator}`;
  const rows = await db.selectFrom('answers').select(['process', 'indicator', 'revision', 'rating', 'evidence']).where('assessmentId', '=', assessment).execute();
  const answers = new Map(rows.map((r) => [key(r), { slot: key(r), revision: Number(r.revision), rating: r.rating, evidence: r.evidence }]));
  const entries = await db.selectFrom('auditEntries').select(['seq', 'after']).where('subject', '=', `assessment:${assessment}`).where('action', '=', 'answer.put').orderBy('seq').execute();
  const byEvidence = new Map(writes.map((w) => [w.evidence, w]));
  const problems: string[] = [];
  const revisionsSeen = new Map<string, number[]>();
  const lastEntry = new Map<string, { revision: number; rating: string; evidence: string | null }>();
  for (const e of entries) {
    const after = JSON.parse(e.after!) as { process: string; indicator: string; answer: { revision: number; rating: string; evidence: string | null } };
    const slot = key(after);
    revisionsSeen.set(slot, [...(revisionsSeen.get(slot) ?? []), after.answer.revision]);
    lastEntry.set(slot, after.answer);
    const write = after.answer.evidence === null ? undefined : byEvidence.get(after.answer.evidence);
    if (!write || key(write.slot) !== slot || write.revision + 1 !== after.answer.revision || write.rating !== after.answer.rating) problems.push(`entry ${e.seq} (${slot} r${after.answer.revision}) is no write of the stream`);
  }
  for (const [slot, answer] of answers) {
    const seen = revisionsSeen.get(slot) ?? [];
    const expected = Array.from({ length: answer.revision }, (_, i) => i + 1);
    if (seen.join(',') !== expected.join(',')) problems.push(`${slot} is at revision ${answer.revision} but its audit entries hold revisions [${seen.join(',')}]`);
    const last = lastEntry.get(slot);
    if (!last || last.rating !== answer.rating || last.evidence !== answer.evidence) problems.push(`${slot} holds ${answer.rating} "${answer.evidence}" but its last audit entry says ${last ? `${last.rating} "${last.evidence}"` : 'nothing'}`);
  }
  for (const slot of revisionsSeen.keys()) if (!answers.has(slot)) problems.push(`${slot} has audit entries but no answer`);
  return { answers, entries: entries.length, problems };
}
