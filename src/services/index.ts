// The services of one running app, built over one database, and the start-up steps that prepare it.
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { loadCatalog } from '../questionnaires/loader.js';
import { AccountsService } from './accounts.service.js';
import { AgencyService } from './agency.service.js';
import { AssessmentService } from './assessment.service.js';
import { AssessorService } from './assessor.service.js';
import { ReviewService } from './review.service.js';
import { SheetService } from './sheet.service.js';
import type { Actor } from '../domain/roles.js';
import { CycleService } from './cycle.service.js';
import { seedDemo, type DemoUser } from './demo.service.js';
import { QuestionnaireService } from './questionnaire.service.js';

export interface Services {
  handle: DatabaseHandle;
  assessments: AssessmentService;
  reviews: ReviewService;
  sheets: SheetService;
  accounts: AccountsService;
  agencies: AgencyService;
  assessors: AssessorService;
  cycles: CycleService;
  questionnaires: QuestionnaireService;
}

export function createServices(handle: DatabaseHandle, config: Pick<Config, 'sessionHours' | 'uploadMaxMb'>): Services {
  const { db } = handle;
  const questionnaires = new QuestionnaireService(db);
  const assessors = new AssessorService(db);
  const assessments = new AssessmentService(db, questionnaires, config.uploadMaxMb * 1024 * 1024);
  const assignedAgencies = async (actor: Actor) => (await assessments.list(actor, {})).map((a) => a.agency);
  return {
    handle,
    assessments,
    reviews: new ReviewService(db, assessments, assessors),
    sheets: new SheetService(db, assessments),
    accounts: new AccountsService(db, config.sessionHours),
    agencies: new AgencyService(db, assignedAgencies),
    assessors,
    cycles: new CycleService(db, questionnaires),
    questionnaires,
  };
}

/** No users and no agencies yet: a first start, whatever the command line may have prepared before. */
async function isEmpty(db: DatabaseHandle['db']): Promise<boolean> {
  const users = await db.selectFrom('users').select('id').limit(1).execute();
  const agencies = await db.selectFrom('agencies').select('code').limit(1).execute();
  return users.length === 0 && agencies.length === 0;
}

export interface StartupReport {
  migrations: string[];
  questionnaires: string[];
  cyclesSeeded: boolean;
  demoUsers: DemoUser[] | null;
}

/**
 * Migrates, stores the shipped questionnaire versions and cycles 106–109, and on a first start with
 * DEMO on, adds the demo data. Safe to run on every start and from several instances.
 */
export async function prepareDatabase(services: Services, options: { demo: boolean }): Promise<StartupReport> {
  const { applied } = await migrateToLatest(services.handle.db);
  const empty = await isEmpty(services.handle.db);
  const catalog = loadCatalog();
  const stored = await services.questionnaires.storeShipped(catalog.questionnaires.values());
  services.questionnaires.useCrosswalks(catalog.crosswalks);
  const cyclesSeeded = await services.cycles.seedShipped();
  const demoUsers = empty && options.demo ? await seedDemo(services) : null;
  return { migrations: applied, questionnaires: stored, cyclesSeeded, demoUsers };
}
