// Demo assessments in every state, so that every screen has something real to show: answers with
// evidence, an NA, an out-of-scope process, an uploaded file, comments, assessor ratings with reasons,
// an override, findings, returns, acceptances with sealed records, and a reopened-and-re-accepted one.
import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/roles.js';
import { actorOf } from './accounts.service.js';
import type { QuestionnaireIndex } from '../domain/questionnaire.js';
import * as repo from '../repositories/assessment.repository.js';
import type { Services } from './index.js';

type Profile = 'strong' | 'steady' | 'uneven';

/** A deterministic rating for an indicator of a level, by the agency's profile. */
function ratingFor(profile: Profile, level: number, n: number): 'F' | 'L' | 'P' {
  if (level <= 1) return profile === 'uneven' && n % 7 === 3 ? 'L' : 'F';
  if (level === 2) return profile === 'uneven' && n % 3 === 0 ? 'L' : 'F';
  if (profile === 'strong') return n % 5 === 4 ? 'L' : 'F';
  if (profile === 'steady') return n % 2 === 0 ? 'L' : 'F';
  return n % 3 === 0 ? 'P' : 'L';
}

async function fillIn(services: Services, index: QuestionnaireIndex, assessmentId: string, by: Actor, profile: Profile, options: { upTo: number; outOfScope?: string; share?: number }) {
  const at = services.clock.now().toISOString();
  let n = 0;
  await services.handle.db.transaction().execute(async (trx) => {
    for (const [i, p] of index.processes.entries()) {
      if (p.id === options.outOfScope) continue;
      if (options.share !== undefined && i / index.processes.length >= options.share) break;
      for (const attr of p.attributes) {
        if (attr.level > options.upTo) continue;
        for (const ind of attr.indicators) {
          n++;
          const na = p.id === 'DET-04' && ind.id === 'BP5';
          const rating = na ? 'NA' : ratingFor(profile, attr.level, n);
          await repo.insertAnswerIfAbsent(trx, assessmentId, p.id, ind.id, {
            rating,
            evidence: na ? null : `${p.id} ${ind.id}：${attr.level <= 1 ? '執行紀錄與簽核文件' : attr.level === 2 ? '年度工作計畫、追蹤表及文件管制紀錄' : '標準作業程序書及各單位實施紀錄'}（示範）`,
            note: null,
            justification: na ? '本機關無所屬或所監督機關，無須轉知情資' : null,
            revision: 1,
            unconfirmed: false,
            updatedAt: at,
            updatedBy: by.username,
          });
        }
      }
    }
    if (options.outOfScope) {
      await repo.upsertScope(trx, assessmentId, { process: options.outOfScope, inScope: false, justification: '本機關無自行或委外開發之資通系統，網站採共用平臺', updatedAt: at, updatedBy: by.username });
    }
    await services.audit.record(trx, { actor: by, action: 'demo.fill-in', subject: `assessment:${assessmentId}`, after: { answers: n, profile } });
  });
}

export async function seedDemoAssessments(services: Services): Promise<void> {
  const office: Actor = { ...(await actor(services, 'office')) };
  const assessor = await actor(services, 'assessor');
  const today = services.clock.now();
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  await services.assessors.put(null, 'assessor', { certifiedOn: iso(new Date(today.getTime() - 365 * 86_400_000)), validUntil: iso(new Date(today.getTime() + 2 * 365 * 86_400_000)), affiliations: [{ agency: 'MOEA-003', note: '兼任顧問' }] });

  const cisoOf = async (agency: string): Promise<Actor> => {
    if (agency === 'MOI-001') return actor(services, 'ciso');
    const username = `ciso.${agency.toLowerCase()}`;
    await services.accounts.createUser(null, { username, role: 'ciso', agency, displayName: `${agency} 資安長` });
    return actor(services, username);
  };

  const make = async (agency: string, cycle: number) => (await services.assessments.create(office, { agency, cycle })).id;

  // 109 draft begun on the published isgm-109@1.0.0 before the corrected 1.1.0 was adopted, then moved
  // by the office: answers follow the crosswalk, those whose practice changed wait for confirmation.
  const corrected109 = (await services.cycles.get(109)).questionnaire;
  const published109 = 'isgm-109@1.0.0';
  await services.cycles.update(office, 109, { questionnaire: published109 });
  const moiLand = await cisoOf('MOI-003');
  const early = await make('MOI-003', 109);
  await fillIn(services, await services.questionnaires.index(published109), early, moiLand, 'steady', { upTo: 2, share: 0.5 });
  await services.cycles.update(office, 109, { questionnaire: corrected109 });
  await services.assessments.moveQuestionnaire(office, early, corrected109);

  const i108 = await services.questionnaires.index((await services.cycles.get(108)).questionnaire);
  const i109 = await services.questionnaires.index(corrected109);

  /** Filled in, submitted by the CISO, reviewed and accepted by the assessor. */
  const accepted = async (agency: string, cycle: number, index: QuestionnaireIndex, profile: Profile, ciso: Actor) => {
    const id = await make(agency, cycle);
    await fillIn(services, index, id, ciso, profile, { upTo: Math.max(index.targetLevel ?? 1, 3) });
    await services.reviews.assign(office, id, 'assessor');
    await services.assessments.submit(ciso, id, { statement: true });
    await services.reviews.review(assessor, id);
    return id;
  };

  // 108: two accepted assessments (MOI-001's can pre-fill its 109 one through the crosswalk).
  const moiCiso = await cisoOf('MOI-001');
  const a108 = await accepted('MOI-001', 108, i108, 'steady', moiCiso);
  await services.reviews.finding(assessor, a108, '_', '108 年度：管理制度已建立，惟技術面向之標準化程序尚待全面推行。');
  await services.reviews.accept(assessor, a108);
  const moeaCiso = await cisoOf('MOEA-002');
  const b108 = await accepted('MOEA-002', 108, i108, 'strong', moeaCiso);
  await services.reviews.accept(assessor, b108);

  // 109 draft: pre-filled from 108, partly confirmed, with a file, a scope decision and a comment.
  const draft = (await services.assessments.create(moiCiso, { agency: 'MOI-001', cycle: 109, prefillFrom: 108 })).id;
  await services.answers.confirm(moiCiso, draft, 'GOV-01', 'BP1');
  await services.answers.putScope(moiCiso, draft, 'TEC-03', { inScope: false, justification: '本機關無自行或委外開發之資通系統' });
  await services.evidence.add(moiCiso, draft, { process: 'GOV-01', indicator: 'BP1', name: '資通安全政策.txt', bytes: Buffer.from('內政部資訊中心（示範）資通安全政策\n第 3 版，109 年 2 月 1 日經資通安全長核定。\n', 'utf8') });
  await services.answers.comment(moiCiso, draft, '109 年度自評由資訊室彙整，預計 10 月底前送出。');

  // 109 submitted, waiting for its review.
  const moi2 = await cisoOf('MOI-002');
  const submitted = await make('MOI-002', 109);
  await fillIn(services, i109, submitted, moi2, 'steady', { upTo: 3 });
  await services.reviews.assign(office, submitted, 'assessor');
  await services.assessments.submit(moi2, submitted, { statement: true });

  // 109 in review, with assessor ratings and a finding.
  const moeaA = await cisoOf('MOEA-001');
  const inReview = await accepted('MOEA-001', 109, i109, 'uneven', moeaA);
  await services.reviews.rate(assessor, inReview, 'DET-02', 'BP2', { rating: 'L', reason: '抽查 3 件事件中 1 件逾 1 小時通報' });
  await services.reviews.finding(assessor, inReview, 'DET-02', '事件通報時效需改善，建議建立非上班時段值勤輪值表。');

  // 109 returned with a comment; the agency has since edited one rated answer (the rating is stale).
  const motc = await cisoOf('MOTC-001');
  const returned = await accepted('MOTC-001', 109, i109, 'steady', motc);
  await services.reviews.rate(assessor, returned, 'MGT-03', 'BP2', { rating: 'P', reason: '專職人員 2 人未達 12 小時專業訓練' });
  await services.reviews.return(assessor, returned, '請補充 MGT-03 專業訓練時數佐證，並說明未達時數人員之補訓安排。');
  const answer = (await repo.findAnswer(services.handle.db, returned, 'MGT-03', 'BP2'))!;
  await services.answers.put(motc, returned, 'MGT-03', 'BP2', { rating: 'L', evidence: '專業訓練時數統計表：4 人中 3 人達 12 小時，1 人已排定 12 月補訓', revision: answer.revision });
  await services.answers.comment(motc, returned, '已補充訓練時數統計表及補訓計畫。');

  // 109 accepted after a return, with assessor changes, an override and findings; then reopened and re-accepted.
  const mohw = await cisoOf('MOHW-001');
  const done = await accepted('MOHW-001', 109, i109, 'strong', mohw);
  await services.reviews.rate(assessor, done, 'TEC-02', 'BP3', { rating: 'L', reason: '政府組態基準落實率 86%，未達全面導入' });
  await services.reviews.rate(assessor, done, 'DET-01', 'GP3.2.1', { rating: 'L', reason: '監控程序尚未涵蓋委外代管系統' });
  await services.reviews.override(assessor, done, 'DET-01', 'PA3.2', { rating: 'L', reason: '委外代管系統之監控部署不完整' });
  await services.reviews.finding(assessor, done, 'TEC-02', '組態基準已導入主要伺服器，使用者端電腦尚有 14% 未套用。');
  await services.reviews.finding(assessor, done, '_', '整體達制度化型（第 3 級），技術防護面向之組態管理仍有改善空間。');
  await services.reviews.accept(assessor, done);
  await services.reviews.reopen(office, done, '機關申覆：TEC-02 組態基準落實率已補正資料');
  await services.reviews.rate(assessor, done, 'TEC-02', 'BP3', { rating: 'F', reason: '申覆補正後落實率達 97%' });
  await services.reviews.accept(assessor, done);

  await services.audit.recordAlone({ actor: null, action: 'demo.seeded', subject: 'demo', after: { assessments: [a108, b108, early, draft, submitted, inReview, returned, done].length, id: randomUUID() } });
}

async function actor(services: Services, username: string): Promise<Actor> {
  return actorOf(await services.accounts.getUser(username));
}
