// The national KPI report of a cycle (docs/domain.md §8), for the office: live and PROVISIONAL while the
// cycle is open, stored nowhere; once closed, rendered from the snapshot sealed at closing — its figures,
// its agencies and its closedAt, never today's data — stored once per language and served as stored.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { figuresOf } from '../domain/programme.js';
import type { Actor } from '../domain/roles.js';
import { renderNationalReport, type NationalReportInput } from '../reports/national-report.js';
import { findCycle } from '../repositories/cycle.repository.js';
import { findNationalReport, insertNationalReport } from '../repositories/national-report.repository.js';
import { cycleAgencies } from '../repositories/result.repository.js';
import { findSnapshot } from '../repositories/snapshot.repository.js';
import type { AuditService } from './audit.service.js';
import { isoNow, type Clock } from './clock.js';
import { viewOfCycle, type CycleView, type SnapshotRecord } from './cycle.service.js';
import { forbidden, notFound } from './errors.js';
import type { ReportLanguage } from './report.service.js';

export interface NationalReport {
  pdf: Buffer;
  sha256: string;
  /** True while the cycle is open: live figures, stored nowhere. */
  provisional: boolean;
  /** The closed cycle's snapshot hash, printed in the report's footer; null while open. */
  snapshotSha256: string | null;
}

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export class NationalReportService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly authority: string,
    private readonly verifyUrl: string,
  ) {}

  /** The national report of a cycle in `lang` (office only); the read is audited as `report.read` on `cycle:<year>`. */
  async report(actor: Actor, year: number, lang: ReportLanguage): Promise<NationalReport> {
    if (actor.role !== 'office') throw forbidden('only the security office reads the national report');
    const row = await findCycle(this.db, year);
    if (!row) throw notFound(`no cycle ${year}`);
    const cycle = viewOfCycle(row);
    const snapshot = await findSnapshot(this.db, year);
    const report = snapshot ? await this.closed(cycle, snapshot.sha256, snapshot.record, lang) : await this.live(cycle, lang);
    await this.audit.recordAlone({ actor, action: 'report.read', subject: `cycle:${year}`, after: { report: 'national', lang, provisional: report.provisional, sha256: report.sha256, snapshotSha256: report.snapshotSha256 } });
    return report;
  }

  /** An open cycle's report: its agencies and figures as they stand now. */
  private async live(cycle: CycleView, lang: ReportLanguage): Promise<NationalReport> {
    const agencies = await cycleAgencies(this.db, cycle.year, cycle.grades);
    const pdf = await renderNationalReport(this.input(cycle, { figures: figuresOf(agencies, cycle, true), agencies, provisional: true, generatedAt: isoNow(this.clock), snapshotSha256: null }), { lang });
    return { pdf, sha256: sha256Of(pdf), provisional: true, snapshotSha256: null };
  }

  /** A closed cycle's stored report, rendered from the snapshot record and stored first if missing (the first stored copy wins). */
  private async closed(cycle: CycleView, snapshotSha256: string, recordJson: string, lang: ReportLanguage): Promise<NationalReport> {
    const stored = await findNationalReport(this.db, cycle.year, lang);
    if (stored) return { pdf: stored.content, sha256: stored.sha256, provisional: false, snapshotSha256: stored.snapshotSha256 };
    const record = JSON.parse(recordJson) as SnapshotRecord;
    const { agencies, closedAt, kpi, byGrade, distribution, ministries } = record;
    const pdf = await renderNationalReport(this.input(cycle, { figures: { kpi, byGrade, distribution, ministries }, agencies, provisional: false, generatedAt: closedAt, snapshotSha256 }), { lang });
    await insertNationalReport(this.db, { cycleYear: cycle.year, lang, snapshotSha256, sha256: sha256Of(pdf), content: pdf }, isoNow(this.clock));
    const kept = (await findNationalReport(this.db, cycle.year, lang))!;
    return { pdf: kept.content, sha256: kept.sha256, provisional: false, snapshotSha256: kept.snapshotSha256 };
  }

  private input(cycle: CycleView, part: Pick<NationalReportInput, 'figures' | 'agencies' | 'provisional' | 'generatedAt' | 'snapshotSha256'>): NationalReportInput {
    const { year, questionnaire, targetLevel, grades, kpi, deadline } = cycle;
    return { cycle: { year, questionnaire, targetLevel, grades, kpi, deadline }, authority: this.authority, verifyUrl: this.verifyUrl, ...part };
  }
}
