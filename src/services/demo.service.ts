// Demo data for a first start: agencies of every grade under several ministries and one user per role.
import type { Actor, Grade, Role } from '../domain/roles.js';
import { actorOf } from './accounts.service.js';
import { otpCode } from './otp.js';
import { seedDemoAssessments } from './demo-assessments.js';
import type { Services } from './index.js';

const SYSTEM: Actor = { id: 'system', username: 'system', role: 'office', agency: null, ministry: null };

/** [code, name, ministry, grade in 108, grade in 109] — fictitious agencies in real ministries. */
export const DEMO_AGENCIES: [string, string, string, Grade, Grade][] = [
  ['MOI-001', '內政部資訊中心（示範）', '內政部', 'A', 'A'],
  ['MOI-002', '內政部戶政資料示範署', '內政部', 'A', 'A'],
  ['MOI-003', '內政部地政示範局', '內政部', 'B', 'B'],
  ['MOEA-001', '經濟部能源示範署', '經濟部', 'A', 'A'],
  ['MOEA-002', '經濟部商業示範司', '經濟部', 'B', 'A'],
  ['MOEA-003', '經濟部示範研究所', '經濟部', 'C', 'C'],
  ['MOTC-001', '交通部公路示範總局', '交通部', 'A', 'A'],
  ['MOTC-002', '交通部氣象示範署', '交通部', 'B', 'B'],
  ['MOHW-001', '衛生福利部健保示範署', '衛生福利部', 'A', 'A'],
  ['MOHW-002', '衛生福利部示範醫院', '衛生福利部', 'D', 'D'],
  ['MOE-001', '教育部示範學習中心', '教育部', 'C', 'B'],
  ['MOE-002', '教育部示範國立圖書館', '教育部', 'E', 'E'],
];

export interface DemoUser {
  username: string;
  role: Role;
  password: string;
  scope: string;
  /** Staff accounts come enrolled in two-factor sign-in: the secret for an authenticator app and recovery codes. */
  otp?: { secret: string; uri: string; recoveryCodes: string[] };
}

const DEMO_USERS: { username: string; role: Role; agency?: string; ministry?: string; displayName: string }[] = [
  { username: 'office', role: 'office', displayName: '資安處 承辦人' },
  { username: 'ministry', role: 'ministry', ministry: '內政部', displayName: '內政部 資訊處' },
  { username: 'ciso', role: 'ciso', agency: 'MOI-001', displayName: '資安長 王大明' },
  { username: 'agency', role: 'agency', agency: 'MOI-001', displayName: '填報人 林小華' },
  { username: 'assessor', role: 'assessor', displayName: '主導評審員 陳志成' },
];

export async function seedDemo(services: Services): Promise<DemoUser[]> {
  for (const [code, name, ministry, g108, g109] of DEMO_AGENCIES) {
    await services.agencies.create(SYSTEM, { code, name, ministry, grades: { '108': g108, '109': g109 } });
  }
  const users: DemoUser[] = [];
  for (const u of DEMO_USERS) {
    const { password } = await services.accounts.createUser(null, { username: u.username, role: u.role, agency: u.agency ?? null, ministry: u.ministry ?? null, displayName: u.displayName });
    const user: DemoUser = { username: u.username, role: u.role, password: password!, scope: u.agency ?? u.ministry ?? '' };
    // Office and assessor accounts sign in with a second factor (TWO_FACTOR=staff): enrol them now, so
    // that a person can add the secret to an authenticator app, or sign in with a recovery code.
    if (u.role === 'office' || u.role === 'assessor') {
      const actor = actorOf(await services.accounts.getUser(u.username));
      const otp = await services.accounts.enrolOtp(actor);
      await services.accounts.confirmOtp(actor, otpCode(otp.secret, services.clock.now()));
      user.otp = otp;
    }
    users.push(user);
  }
  await seedDemoAssessments(services);
  // Cycle 108 is over: the office has closed it, so its KPI snapshot stands beside 109's live figures.
  await services.cycles.close(SYSTEM, 108);
  return users;
}
