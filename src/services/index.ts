// The services of one running app, built over one database, and the start-up steps that prepare it.
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Actor } from '../domain/roles.js';
import { loadCatalog } from '../questionnaires/loader.js';
import { hasAnyUserOrAgency } from '../repositories/user.repository.js';
import { AccountsService } from './accounts.service.js';
import { AgencyService } from './agency.service.js';
import { AnalyticsService } from './analytics.service.js';
import { AnswerService } from './answer.service.js';
import { AssessmentAccess } from './assessment-access.js';
import { AssessmentService } from './assessment.service.js';
import { AssessorService } from './assessor.service.js';
import { AuditService } from './audit.service.js';
import { systemClock, type Clock } from './clock.js';
import { CycleService } from './cycle.service.js';
import { DashboardService } from './dashboard.service.js';
import { seedDemo, type DemoUser } from './demo.service.js';
import { ServiceError } from './errors.js';
import { EvidenceService } from './evidence.service.js';
import { NotificationService } from './notification.service.js';
import { ImprovementService } from './improvement.service.js';
import { NationalReportService } from './national-report.service.js';
import { QuestionnaireService } from './questionnaire.service.js';
import { ReadCache } from './read-cache.js';
import { ProgrammeReads } from './programme-reads.js';
import { ReportService } from './report.service.js';
import { ReviewService } from './review.service.js';
import { SealService } from './seal.service.js';
import { SheetService } from './sheet.service.js';

export interface Services {
  handle: DatabaseHandle;
  clock: Clock;
  audit: AuditService;
  access: AssessmentAccess;
  assessments: AssessmentService;
  answers: AnswerService;
  evidence: EvidenceService;
  reviews: ReviewService;
  seals: SealService;
  reports: ReportService;
  nationalReports: NationalReportService;
  sheets: SheetService;
  accounts: AccountsService;
  agencies: AgencyService;
  assessors: AssessorService;
  cycles: CycleService;
  dashboard: DashboardService;
  /** The dashboard and the priority list through the read cache, for the API and the pages alike. */
  programmeReads: ProgrammeReads;
  notifications: NotificationService;
  improvements: ImprovementService;
  analytics: AnalyticsService;
  questionnaires: QuestionnaireService;
}

/** Every service of one running app over one database, sharing one clock (tests may pass their own). */
export function createServices(handle: DatabaseHandle, config: Pick<Config, 'sessionHours' | 'uploadMaxMb' | 'tokenTtlDays' | 'twoFactor' | 'sessionSecret' | 'sessionSecretGenerated' | 'passwordHashCost' | 'publicUrl' | 'authorityName'>, clock: Clock = systemClock): Services {
  const { db } = handle;
  const audit = new AuditService(db, clock);
  const questionnaires = new QuestionnaireService(db, clock);
  const assessors = new AssessorService(db, audit, clock);
  const access = new AssessmentAccess(db, questionnaires, audit, clock);
  const seals = new SealService(db);
  const assessments = new AssessmentService(db, access, questionnaires, seals, audit, clock);
  const answers = new AnswerService(access, audit);
  const reports = new ReportService(db, access, questionnaires, seals, audit, clock, `${config.publicUrl}/verify`);
  const dashboard = new DashboardService(db, clock);
  const analytics = new AnalyticsService(db, questionnaires, dashboard, clock);
  const assignedAgencies = async (actor: Actor) => (await assessments.list(actor, {})).map((a) => a.agency);
  return {
    handle,
    clock,
    audit,
    access,
    assessments,
    answers,
    evidence: new EvidenceService(db, access, audit, config.uploadMaxMb * 1024 * 1024),
    reviews: new ReviewService(db, access, assessors, seals, reports, audit, clock),
    reports,
    nationalReports: new NationalReportService(db, audit, clock, config.authorityName, `${config.publicUrl}/verify`),
    seals,
    sheets: new SheetService(db, access, answers, audit),
    accounts: new AccountsService(db, { sessionHours: config.sessionHours, tokenTtlDays: config.tokenTtlDays, passwordHashCost: config.passwordHashCost, twoFactor: config.twoFactor, sessionSecret: config.sessionSecretGenerated ? null : config.sessionSecret, issuer: 'govsec-maturity' }, audit, clock),
    agencies: new AgencyService(db, audit, clock, assignedAgencies),
    assessors,
    cycles: new CycleService(db, questionnaires, audit, clock),
    dashboard,
    programmeReads: new ProgrammeReads(new ReadCache(db, clock), dashboard, analytics),
    analytics,
    notifications: new NotificationService(db, clock),
    improvements: new ImprovementService(db, access, audit, clock),
    questionnaires,
  };
}

export interface StartupReport {
  migrations: string[];
  questionnaires: string[];
  cyclesSeeded: boolean;
  /** Shipped cycles moved to a corrected questionnaire edition on this start. */
  cyclesMoved: number[];
  demoUsers: DemoUser[] | null;
}

/** Whether an error is a duplicate key: another instance wrote the same row first. */
function isDuplicate(error: unknown): boolean {
  if (error instanceof ServiceError) return error.code === 'exists' || error.code === 'conflict';
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || (typeof code === 'string' && (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE'));
}

/**
 * Migrates, stores the shipped questionnaire versions and cycles 106–109, and on a first start with
 * DEMO on, adds the demo data. Safe to run on every start and from several instances at once: the
 * migrator locks, and when another instance stored the same shipped row (or demo data) first, this one
 * finds it done on a second pass.
 */
export async function prepareDatabase(services: Services, options: { demo: boolean }): Promise<StartupReport> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await prepareOnce(services, options);
    } catch (error) {
      if (attempt >= 5 || !isDuplicate(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

async function prepareOnce(services: Services, options: { demo: boolean }): Promise<StartupReport> {
  const { applied } = await migrateToLatest(services.handle.db);
  const empty = !(await hasAnyUserOrAgency(services.handle.db));
  const catalog = loadCatalog();
  const stored = await services.questionnaires.storeShipped(catalog.questionnaires.values());
  services.questionnaires.useCrosswalks(catalog.crosswalks);
  const cyclesSeeded = await services.cycles.seedShipped();
  const cyclesMoved = await services.cycles.adoptCorrectedEditions();
  const demoUsers = empty && options.demo ? await seedDemo(services) : null;
  return { migrations: applied, questionnaires: stored, cyclesSeeded, cyclesMoved, demoUsers };
}
