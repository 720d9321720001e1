// Findings-report inputs built from the shipped isgm-109@1.1.0 and the real scoring: a sealed record
// made the way SealService.seal makes it, and a live DRAFT made from the same parts. No database.
import type { AnswerRating, QuestionnaireIndex, Rating } from '../../src/domain/questionnaire.js';
import { score } from '../../src/domain/scoring.js';
import type { SignOff } from '../../src/domain/workflow.js';
import { loadCatalog } from '../../src/questionnaires/loader.js';
import { draftReportInput, reportAnswers, sealedReportInput, type ReportAnswer, type ReportInput } from '../../src/reports/report-input.js';
import { verificationCodeOf, type SealedRecord } from '../../src/services/seal.service.js';
import { assessorChangesOf } from '../../src/domain/assessor-changes.js';

export const QUESTIONNAIRE = 'isgm-109@1.1.0';
export const VERIFY_URL = 'https://govsec.example.gov.tw/verify';

let index: QuestionnaireIndex | undefined;
export function questionnaire109(): QuestionnaireIndex {
  index ??= loadCatalog().questionnaires.get(QUESTIONNAIRE);
  if (!index) throw new Error(`${QUESTIONNAIRE} is not shipped`);
  return index;
}

export interface FixtureOptions {
  agencyName?: string;
  /** Evidence text of an answer; by default a short citation. */
  evidence?: (process: string, indicator: string) => string;
  /** Text of the assessor's findings; by default two short ones and an overall one. */
  findingText?: (process: string) => string;
  /** Every indicator of every process and level answered, every process in scope (the benchmark's "full" assessment). */
  full?: boolean;
}

/** An answer as the assessment stores it: a report answer without its files. */
type Answer = Omit<ReportAnswer, 'files'>;

/** The agency's answers: most processes at level 3, a few held lower, DET-04 out of scope unless `full`. */
function buildParts(ix: QuestionnaireIndex, options: FixtureOptions) {
  const evidence = options.evidence ?? ((p: string, i: string) => `${p} ${i}：資通安全維護計畫第 3 版（文號 109-0123，109 年 2 月 1 日核定）及年度稽核報告。`);
  const answers: Answer[] = [];
  for (const p of ix.processes) {
    if (p.id === 'DET-04' && !options.full) continue;
    for (const a of p.attributes) {
      if (!options.full && a.level > 3) continue;
      a.indicators.forEach((i, n) => {
        let rating: AnswerRating = 'F';
        if (p.id === 'TEC-03' && a.level >= 2) rating = 'P';
        else if (p.id === 'MGT-02' && a.id === 'PA3.1') rating = n === 0 ? 'P' : 'L';
        else if (p.id === 'GOV-05' && a.level === 1 && n === 1) rating = 'L';
        else if (a.level > 3) rating = n % 2 === 0 ? 'L' : 'P';
        if (p.id === 'GOV-03' && a.level === 1 && n === 4) rating = 'NA';
        answers.push({
          process: p.id,
          indicator: i.id,
          rating,
          evidence: rating === 'NA' ? null : evidence(p.id, i.id),
          note: p.id === 'GOV-01' && i.id === 'BP1' ? '政策將於 110 年改版。' : null,
          justification: rating === 'NA' ? '本機關無自行維運之資訊系統，本項不適用。' : null,
          unconfirmed: false,
        });
      });
    }
  }
  const findingText = options.findingText ?? ((p: string) => (p === '_' ? '整體而言，機關資安治理制度完整，惟安全軟體開發流程尚未建立。' : `${p} 之文件與紀錄大致齊備，建議持續追蹤改善事項。`));
  return {
    answers,
    scope: options.full ? [] : [{ process: 'DET-04', inScope: false, justification: '本機關未加入威脅情資分享機制，由上級機關統一辦理。' }],
    assessorRatings: [
      { process: 'GOV-02', indicator: 'GP3.2.1', rating: 'L' as AnswerRating, reason: '流程部署紀錄僅涵蓋本部，未涵蓋所屬機關。', stale: false },
      { process: 'GOV-01', indicator: 'BP2', rating: 'F' as AnswerRating, reason: null, stale: false },
      { process: 'MGT-03', indicator: 'BP1', rating: 'P' as AnswerRating, reason: '教育訓練紀錄缺少 109 年第二季。', stale: false },
      { process: 'TEC-01', indicator: 'BP3', rating: 'L' as AnswerRating, reason: '特權帳號清查未涵蓋委外系統。', stale: true },
    ],
    scopeDecisions: [{ process: 'DET-03', inScope: false, reason: '弱點管理已由上級機關集中辦理，經評審員確認不適用。' }],
    overrides: [{ process: 'GOV-04', attribute: 'PA2.2', rating: 'L' as Rating, reason: '工作產品之版本管制有重大缺失：核定版本與公告版本不一致。' }],
    findings: [
      { process: '_', text: findingText('_') },
      { process: 'TEC-03', text: findingText('TEC-03') },
      { process: 'MGT-02', text: findingText('MGT-02') },
    ],
  };
}

const SIGN_OFF: SignOff = {
  name: '王大明',
  username: 'ciso.wang',
  at: '2020-03-20T06:30:00.000Z',
  statement: { 'zh-TW': '本人已確認本評估之填答內容與佐證屬實。', en: 'I confirm that the answers and evidence of this assessment are true.' },
};

export interface Fixture {
  sealed: ReportInput;
  draft: ReportInput;
  record: SealedRecord;
  verificationCode: string;
  answerCount: number;
}

export function buildFixture(options: FixtureOptions = {}): Fixture {
  const ix = questionnaire109();
  const parts = buildParts(ix, options);
  const inputs = {
    answers: parts.answers,
    outOfScope: parts.scope.filter((s) => !s.inScope).map((s) => s.process),
    target: 3,
    assessor: { ratings: parts.assessorRatings, scope: parts.scopeDecisions, overrides: parts.overrides },
  };
  const results = { self: score(ix, { ...inputs, basis: 'self' }), validated: score(ix, { ...inputs, basis: 'validated' }) };
  const agency = { code: 'A-109-001', name: options.agencyName ?? '測試縣政府資訊處', grade: 'A', ministry: '數位發展部' };
  const files = [
    { process: 'GOV-01', indicator: 'BP1', name: '資通安全政策_v3.pdf' },
    { process: 'GOV-01', indicator: 'BP1', name: '政策公告截圖.png' },
    { process: 'MGT-04', indicator: 'GP2.2.1', name: 'audit-report-2020.xlsx' },
  ];
  const assessment = { id: '0b7c1b9e-5f1d-4a4c-9c3e-2f6d8a1b7e01', cycleYear: 109, questionnaire: QUESTIONNAIRE, submittedBy: 'ciso.wang', submittedAt: '2020-03-20T06:30:00.000Z', signOff: SIGN_OFF };

  // The sealed record, made as SealService.seal makes it.
  const record: SealedRecord = {
    assessment: assessment.id,
    agency,
    cycle: 109,
    questionnaire: QUESTIONNAIRE,
    acceptedAt: '2020-03-31T02:15:00.000Z',
    ciso: { username: 'ciso.wang', displayName: '王大明', submittedAt: assessment.submittedAt },
    signOff: SIGN_OFF,
    assessor: { username: 'assessor.lin', displayName: '林評審' },
    self: results.self,
    validated: results.validated,
    scope: parts.scope.map((s) => ({ process: s.process, inScope: s.inScope, justification: s.justification })),
    findings: parts.findings.map((f) => ({ process: f.process, text: f.text })),
    assessorChanges: assessorChangesOf(parts, results.self),
    auditHead: 'a3f1c2d4e5b6978812ab34cd56ef7890a1b2c3d4e5f60718293a4b5c6d7e8f90',
  };
  const verificationCode = verificationCodeOf(record);
  const sealed = sealedReportInput({
    record,
    verificationCode,
    questionnaire: ix.questionnaire,
    verifyUrl: VERIFY_URL,
    scope: parts.scope,
    answers: reportAnswers(parts.answers, files),
  });
  const draft = draftReportInput({
    questionnaire: ix.questionnaire,
    assessment: { ...assessment, state: 'in_review' },
    agency,
    ciso: { displayName: '王大明' },
    assessor: { username: 'assessor.lin', displayName: '林評審' },
    results,
    parts,
    files,
    generatedAt: '2020-03-25T09:00:00.000Z',
    verifyUrl: VERIFY_URL,
  });
  return { sealed, draft, record, verificationCode, answerCount: parts.answers.length };
}
