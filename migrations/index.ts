// The list of migrations, in order. A static list (rather than reading the folder at run time) loads the
// same way under tsx, vitest and compiled JavaScript. Add each new migration file here.
import type { Migration } from 'kysely';
import * as m0001 from './0001_accounts_agencies_cycles.js';
import * as m0002 from './0002_assessments.js';
import * as m0003 from './0003_two_factor.js';
import * as m0004 from './0004_sign_off.js';
import * as m0005 from './0005_reports.js';
import * as m0006 from './0006_assessment_results.js';
import * as m0007 from './0007_programme.js';
import * as m0008 from './0008_audit_link_at_commit.js';

export const migrations: Record<string, Migration> = {
  '0001_accounts_agencies_cycles': m0001,
  '0002_assessments': m0002,
  '0003_two_factor': m0003,
  '0004_sign_off': m0004,
  '0005_reports': m0005,
  '0006_assessment_results': m0006,
  '0007_programme': m0007,
  '0008_audit_link_at_commit': m0008,
};
