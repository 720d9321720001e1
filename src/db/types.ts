// Kysely table types: one interface per table, in camelCase (CamelCasePlugin maps to snake_case columns).
import type { Insertable, Selectable, Updateable } from 'kysely';

export interface QuestionnaireVersionsTable {
  ref: string;
  id: string;
  version: string;
  rocYear: number;
  targetLevel: number | null;
  titleZh: string;
  titleEn: string;
  content: string;
  contentSha256: string;
  storedAt: string;
}

export interface CyclesTable {
  year: number;
  questionnaire: string;
  targetLevel: number | null;
  /** JSON: the grades that must assess, e.g. ["A","B"] */
  grades: string;
  /** JSON: { grades, basis, minLevel, target } */
  kpi: string;
  deadline: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AgenciesTable {
  code: string;
  name: string;
  ministry: string;
  createdAt: string;
  updatedAt: string;
}

export interface AgencyGradesTable {
  agencyCode: string;
  cycleYear: number;
  grade: string;
}

export interface UsersTable {
  id: string;
  username: string;
  role: string;
  agencyCode: string | null;
  ministry: string | null;
  displayName: string | null;
  passwordHash: string;
  active: number;
  createdAt: string;
  updatedAt: string;
  /** The TOTP secret, encrypted (`v1:…`) or, without a configured SESSION_SECRET, marked `plain:`. */
  otpSecret: string | null;
  otpConfirmedAt: string | null;
  /** The last TOTP time step accepted: a code of that step or an earlier one is never accepted again. */
  otpLastStep: number | null;
}

export interface RecoveryCodesTable {
  userId: string;
  codeHash: string;
  usedAt: string | null;
}

export interface AssessorQualificationsTable {
  userId: string;
  certifiedOn: string;
  validUntil: string;
  /** JSON: [{ agency, cycle?, note? }] */
  affiliations: string;
  updatedAt: string;
}

export interface SessionsTable {
  idHash: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

export interface ApiTokensTable {
  id: string;
  userId: string;
  name: string;
  tokenHash: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  windowStartedAt: string;
  lockedUntil: string | null;
}

export interface AuditEntriesTable {
  seq: number;
  at: string;
  actor: string | null;
  action: string;
  subject: string;
  before: string | null;
  after: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface Database extends AssessmentTables, ProgrammeTables {
  questionnaireVersions: QuestionnaireVersionsTable;
  cycles: CyclesTable;
  agencies: AgenciesTable;
  agencyGrades: AgencyGradesTable;
  users: UsersTable;
  recoveryCodes: RecoveryCodesTable;
  assessorQualifications: AssessorQualificationsTable;
  sessions: SessionsTable;
  apiTokens: ApiTokensTable;
  loginThrottle: LoginThrottleTable;
  auditEntries: AuditEntriesTable;
  auditHead: AuditHeadTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Agency = Selectable<AgenciesTable>;
export type Cycle = Selectable<CyclesTable>;
export type AuditEntry = Selectable<AuditEntriesTable>;

export interface AssessmentsTable {
  id: string;
  agencyCode: string;
  cycleYear: number;
  questionnaire: string;
  status: string;
  assessorId: string | null;
  prefilledFrom: string | null;
  submittedAt: string | null;
  submittedBy: string | null;
  /** JSON: the CISO's sign-off `{name, username, at, statement}` (docs/domain.md §5). */
  signOff: string | null;
  acceptedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AnswersTable {
  assessmentId: string;
  process: string;
  indicator: string;
  rating: string;
  evidence: string | null;
  note: string | null;
  justification: string | null;
  revision: number;
  unconfirmed: number;
  updatedAt: string;
  updatedBy: string;
}

export interface ScopeTable {
  assessmentId: string;
  process: string;
  inScope: number;
  justification: string | null;
  updatedAt: string;
  updatedBy: string;
}

export interface AssessorRatingsTable {
  assessmentId: string;
  process: string;
  indicator: string;
  rating: string;
  reason: string | null;
  stale: number;
  updatedAt: string;
  updatedBy: string;
}

export interface ScopeDecisionsTable {
  assessmentId: string;
  process: string;
  inScope: number;
  reason: string;
  updatedAt: string;
  updatedBy: string;
}

export interface AttributeOverridesTable {
  assessmentId: string;
  process: string;
  attribute: string;
  rating: string;
  reason: string;
  updatedAt: string;
  updatedBy: string;
}

export interface FindingsTable {
  assessmentId: string;
  process: string;
  text: string;
  updatedAt: string;
  updatedBy: string;
}

export interface CommentsTable {
  id: string;
  assessmentId: string;
  author: string;
  role: string;
  text: string;
  createdAt: string;
}

export interface EvidenceFilesTable {
  id: string;
  assessmentId: string;
  process: string;
  indicator: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
  content: Buffer;
  uploadedBy: string;
  createdAt: string;
}

export interface StateChangesTable {
  id: string;
  assessmentId: string;
  fromStatus: string | null;
  toStatus: string;
  by: string;
  at: string;
  comment: string | null;
}

export interface SealedRecordsTable {
  id: string;
  assessmentId: string;
  record: string;
  recordSha256: string;
  acceptedAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
  supersededBy: string | null;
}

/** A findings report as rendered for a sealed record (docs/domain.md §6), stored and served as stored. */
export interface StoredReportsTable {
  verificationCode: string;
  assessmentId: string;
  lang: string;
  part: string;
  sha256: string;
  size: number;
  content: Buffer;
  createdAt: string;
}

/**
 * The stored self and validated results of an assessment (docs/domain.md §8), written when it is
 * submitted, accepted, reopened or moved; the dashboard counts from these rows.
 */
export interface AssessmentResultsTable {
  assessmentId: string;
  questionnaire: string;
  selfLevel: number;
  selfScore: number;
  /** 1, 0, or null without a target (a pilot cycle) */
  selfMeetsTarget: number | null;
  selfTargetLevel: number | null;
  /** JSON: the whole self result (docs/domain.md §4) */
  selfResult: string;
  validatedLevel: number;
  validatedScore: number;
  validatedMeetsTarget: number | null;
  validatedTargetLevel: number | null;
  /** JSON: the whole validated result */
  validatedResult: string;
  storedAt: string;
  /** JSON: the processes that block the target on each basis, `[{process, level, attributes}]` (migration 0007) */
  selfBlocking: string;
  validatedBlocking: string;
}

export interface CycleSnapshotsTable {
  cycleYear: number;
  closedAt: string;
  closedBy: string;
  /** The snapshot record as RFC 8785 canonical JSON; `sha256` is the SHA-256 of exactly these bytes. */
  record: string;
  sha256: string;
}
export interface DeadlineExtensionsTable {
  cycleYear: number;
  agencyCode: string;
  /** ISO date: the agency's deadline for the cycle, replacing the cycle's. */
  until: string;
  reason: string;
  grantedBy: string;
  grantedAt: string;
}
export interface ImprovementPlansTable {
  id: string;
  assessmentId: string;
  agencyCode: string;
  cycleYear: number;
  process: string;
  attribute: string;
  action: string;
  owner: string;
  /** ISO date */
  due: string;
  /** open | in_progress | done */
  status: string;
  revision: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}
export interface NotificationReadsTable {
  userId: string;
  notificationId: string;
  readAt: string;
}
export interface NationalReportsTable {
  cycleYear: number;
  lang: string;
  snapshotSha256: string;
  sha256: string;
  size: number;
  content: Buffer;
  createdAt: string;
}
export interface ProgrammeTables {
  cycleSnapshots: CycleSnapshotsTable;
  deadlineExtensions: DeadlineExtensionsTable;
  improvementPlans: ImprovementPlansTable;
  notificationReads: NotificationReadsTable;
  nationalReports: NationalReportsTable;
}

export interface AssessmentTables {
  assessments: AssessmentsTable;
  answers: AnswersTable;
  scope: ScopeTable;
  assessorRatings: AssessorRatingsTable;
  scopeDecisions: ScopeDecisionsTable;
  attributeOverrides: AttributeOverridesTable;
  findings: FindingsTable;
  comments: CommentsTable;
  evidenceFiles: EvidenceFilesTable;
  stateChanges: StateChangesTable;
  sealedRecords: SealedRecordsTable;
  storedReports: StoredReportsTable;
  assessmentResults: AssessmentResultsTable;
}

export type Assessment = Selectable<AssessmentsTable>;
export type Answer = Selectable<AnswersTable>;
