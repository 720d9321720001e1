// The assessor register (docs/domain.md §1): qualification (certified on, valid until) and affiliations.
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { findAgency } from '../repositories/agency.repository.js';
import { findQualification, findUserByUsername, listUsers, upsertQualification } from '../repositories/user.repository.js';
import type { Actor } from '../domain/roles.js';
import type { AuditService } from './audit.service.js';
import { isoNow, type Clock } from './clock.js';
import { invalid, notFound, type ProblemDetail } from './errors.js';

/** An agency the assessor belongs to (no cycle: always) or worked for in one cycle. */
export interface Affiliation {
  agency: string;
  cycle?: number;
  note?: string;
}

export interface Qualification {
  username: string;
  certifiedOn: string;
  validUntil: string;
  affiliations: Affiliation[];
}

export class AssessorService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private async assessor(username: string) {
    const user = await findUserByUsername(this.db, username);
    if (!user) throw notFound(`no user ${username}`);
    return user;
  }

  async get(username: string): Promise<Qualification> {
    const user = await this.assessor(username);
    const row = await findQualification(this.db, user.id);
    if (!row) throw notFound(`${username} has no qualification record`);
    return { username, certifiedOn: row.certifiedOn, validUntil: row.validUntil, affiliations: JSON.parse(row.affiliations) as Affiliation[] };
  }

  async put(actor: Actor | null, username: string, input: Omit<Qualification, 'username'>): Promise<Qualification> {
    const user = await this.assessor(username);
    const details: ProblemDetail[] = [];
    if (user.role !== 'assessor') details.push({ path: '/', message: `${username} is not an assessor (role ${user.role})` });
    if (input.validUntil < input.certifiedOn) details.push({ path: '/validUntil', message: 'must not be before certifiedOn' });
    for (const [i, a] of input.affiliations.entries()) {
      if (!(await findAgency(this.db, a.agency))) details.push({ path: `/affiliations/${i}/agency`, message: `no agency ${a.agency}` });
    }
    if (details.length > 0) throw invalid('invalid qualification record', details);
    const before = await findQualification(this.db, user.id);
    const record = { certifiedOn: input.certifiedOn, validUntil: input.validUntil, affiliations: input.affiliations };
    await this.db.transaction().execute(async (trx) => {
      await upsertQualification(trx, { userId: user.id, ...record, affiliations: JSON.stringify(record.affiliations), updatedAt: isoNow(this.clock) });
      await this.audit.record(trx, {
        actor,
        action: 'assessor.qualification',
        subject: `user:${username}`,
        before: before ? { certifiedOn: before.certifiedOn, validUntil: before.validUntil, affiliations: JSON.parse(before.affiliations) as unknown } : null,
        after: record,
      });
    });
    return { username, ...record };
  }

  /**
   * For each assessment (its agency and cycle), the usernames of the active assessors that are qualified
   * today and independent of it (isQualified, isIndependent): the ones an assignment accepts.
   */
  async qualifiedFor(assessments: readonly { agency: string; cycle: number }[]): Promise<string[][]> {
    const today = isoNow(this.clock).slice(0, 10);
    const qualified: Qualification[] = [];
    for (const user of await listUsers(this.db)) {
      if (user.role !== 'assessor' || !user.active) continue;
      const record = await this.get(user.username).catch(() => undefined);
      if (record && AssessorService.isQualified(record, today)) qualified.push(record);
    }
    return assessments.map((a) => qualified.filter((q) => AssessorService.isIndependent(q, a.agency, a.cycle)).map((q) => q.username));
  }

  /** Qualified on a date: certified on or before it and valid until on or after it. */
  static isQualified(q: Pick<Qualification, 'certifiedOn' | 'validUntil'>, on: string): boolean {
    return q.certifiedOn <= on && on <= q.validUntil;
  }

  /** Independent of an agency in a cycle: neither belongs to it nor worked for it in that cycle. */
  static isIndependent(q: Pick<Qualification, 'affiliations'>, agency: string, cycle: number): boolean {
    return !q.affiliations.some((a) => a.agency === agency && (a.cycle === undefined || a.cycle === cycle));
  }
}
