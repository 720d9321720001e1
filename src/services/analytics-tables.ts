// The dashboard's and the analyses' figures as flat tables for the CSV and .xlsx exports (exports.ts): one
// row per entry, nested figures spread into columns, headers in Traditional Chinese and English. Pure.
import type { Dashboard, Tally } from './dashboard.service.js';
import type { Calibration, CalibrationStats, Priority, Trend } from './analytics.service.js';
import type { Cell, Column, ExportLang, Table } from './exports.js';

const col = (key: string, zh: string, en: string): Column => ({ key, zh, en });

const TALLY_COLUMNS = [
  col('inScope', '應評機關數', 'In scope'),
  col('started', '已開始', 'Started'),
  col('submitted', '已提交', 'Submitted'),
  col('inReview', '審查中以上', 'In review'),
  col('accepted', '已核定', 'Accepted'),
  col('atTargetSelf', '自評達標', 'At target (self)'),
  col('atTargetValidated', '驗證達標', 'At target (validated)'),
];
const tallyCells = (t: Tally): Record<string, Cell> => ({
  inScope: t.inScope,
  started: t.reached.started,
  submitted: t.reached.submitted,
  inReview: t.reached.inReview,
  accepted: t.reached.accepted,
  atTargetSelf: t.atTarget.self,
  atTargetValidated: t.atTarget.validated,
});
const AGENCY_COLUMNS = [col('agency', '機關代碼', 'Agency'), col('name', '機關名稱', 'Name'), col('ministry', '主管機關', 'Ministry'), col('grade', '資安責任等級', 'Grade')];
const yesNo = (b: boolean, lang: ExportLang): string => (lang === 'en' ? (b ? 'yes' : 'no') : b ? '是' : '否');

export function dashboardTables(d: Dashboard, lang: ExportLang): Table[] {
  return [
    { name: 'byGrade', columns: [col('grade', '資安責任等級', 'Grade'), ...TALLY_COLUMNS], rows: Object.entries(d.byGrade).map(([grade, t]) => ({ grade, ...tallyCells(t) })) },
    { name: 'ministries', columns: [col('ministry', '主管機關', 'Ministry'), ...TALLY_COLUMNS], rows: d.ministries.map((m) => ({ ministry: m.ministry, ...tallyCells(m) })) },
    {
      name: 'distribution',
      columns: [col('level', '成熟度等級', 'Level'), col('self', '自評機關數', 'Self'), col('validated', '驗證機關數', 'Validated')],
      rows: (['0', '1', '2', '3', '4', '5'] as const).map((level) => ({ level: Number(level), self: d.distribution.self[level], validated: d.distribution.validated[level] })),
    },
    {
      name: 'belowTarget',
      columns: [
        ...AGENCY_COLUMNS,
        col('status', '狀態', 'Status'),
        col('basis', '依據', 'Basis'),
        col('level', '成熟度等級', 'Level'),
        col('score', '分數', 'Score'),
        col('targetLevel', '目標等級', 'Target level'),
        col('processes', '未達標流程', 'Blocking processes'),
      ],
      rows: d.belowTarget.map((b) => ({
        agency: b.agency,
        name: b.name,
        ministry: b.ministry,
        grade: b.grade,
        status: b.status,
        basis: b.basis,
        level: b.level,
        score: b.score,
        targetLevel: b.targetLevel,
        processes: b.processes.map((p) => `${p.process} (${p.level ?? '-'}): ${p.attributes.join(' ')}`).join('; '),
      })),
    },
    {
      name: 'overdue',
      columns: [...AGENCY_COLUMNS, col('status', '狀態', 'Status'), col('deadline', '期限', 'Deadline'), col('extended', '已展延', 'Extended'), col('daysOverdue', '逾期日數', 'Days overdue')],
      rows: d.overdue.map((o) => ({ agency: o.agency, name: o.name, ministry: o.ministry, grade: o.grade, status: o.status, deadline: o.deadline, extended: yesNo(o.extended, lang), daysOverdue: o.daysOverdue })),
    },
    { name: 'sinceClose', columns: [col('agency', '機關代碼', 'Agency'), col('change', '異動', 'Change'), col('at', '時間', 'At')], rows: d.sinceClose.map((c) => ({ agency: c.agency, change: c.change, at: c.at })) },
  ];
}

export function priorityTables(p: Priority): Table[] {
  return [
    {
      name: 'agencies',
      columns: [
        col('rank', '優先順序', 'Rank'),
        ...AGENCY_COLUMNS,
        col('status', '狀態', 'Status'),
        col('validatedLevel', '驗證等級', 'Validated level'),
        col('validatedScore', '驗證分數', 'Validated score'),
        col('distance', '距目標差距', 'Distance to target'),
      ],
      rows: p.agencies.map((a) => ({ ...a })),
    },
  ];
}

const STATS_COLUMNS = [
  col('ratings', '評核調整數', 'Ratings'),
  col('lowered', '調降', 'Lowered'),
  col('raised', '調升', 'Raised'),
  col('compared', '比較屬性數', 'Compared'),
  col('meanDifference', '平均差異（百分點）', 'Mean difference (points)'),
];
const statsCells = (s: CalibrationStats): Record<string, Cell> => ({ ratings: s.ratings, lowered: s.lowered, raised: s.raised, compared: s.compared, meanDifference: s.meanDifference });

export function calibrationTables(c: Calibration): Table[] {
  return [
    { name: 'agencies', columns: [...AGENCY_COLUMNS, ...STATS_COLUMNS], rows: c.agencies.map((a) => ({ agency: a.agency, name: a.name, ministry: a.ministry, grade: a.grade, ...statsCells(a) })) },
    { name: 'processes', columns: [col('process', '流程', 'Process'), ...STATS_COLUMNS], rows: c.processes.map((p) => ({ process: p.process, ...statsCells(p) })) },
    { name: 'attributes', columns: [col('attribute', '流程屬性', 'Attribute'), ...STATS_COLUMNS], rows: c.attributes.map((a) => ({ attribute: a.attribute, ...statsCells(a) })) },
  ];
}

export function trendTables(t: Trend): Table[] {
  return [
    {
      name: 'cycles',
      columns: [
        col('cycle', '年度', 'Cycle'),
        col('targetLevel', '目標等級', 'Target level'),
        col('inCohort', '應評機關數', 'In cohort'),
        col('submitted', '已提交', 'Submitted'),
        col('accepted', '已核定', 'Accepted'),
        col('meanSelf', '自評平均分數', 'Mean self score'),
        col('meanValidated', '驗證平均分數', 'Mean validated score'),
        col('atTargetSelf', '自評達標', 'At target (self)'),
        col('atTargetValidated', '驗證達標', 'At target (validated)'),
        col('kpiCount', 'KPI 計數', 'KPI count'),
        col('kpiTarget', 'KPI 目標', 'KPI target'),
        col('milestone', '里程碑狀態', 'Milestone'),
        col('deadline', '期限', 'Deadline'),
      ],
      rows: t.cycles.map((c) => ({
        cycle: c.cycle,
        targetLevel: c.targetLevel,
        inCohort: c.inCohort,
        submitted: c.submitted,
        accepted: c.accepted,
        meanSelf: c.meanSelf,
        meanValidated: c.meanValidated,
        atTargetSelf: c.atTarget.self,
        atTargetValidated: c.atTarget.validated,
        kpiCount: c.kpi.count,
        kpiTarget: c.kpi.target,
        milestone: c.milestone,
        deadline: c.deadline,
      })),
    },
    {
      name: 'agencies',
      columns: [
        col('agency', '機關代碼', 'Agency'),
        col('name', '機關名稱', 'Name'),
        col('ministry', '主管機關', 'Ministry'),
        col('cycle', '年度', 'Cycle'),
        col('grade', '資安責任等級', 'Grade'),
        col('status', '狀態', 'Status'),
        col('selfLevel', '自評等級', 'Self level'),
        col('selfScore', '自評分數', 'Self score'),
        col('validatedLevel', '驗證等級', 'Validated level'),
        col('validatedScore', '驗證分數', 'Validated score'),
      ],
      rows: t.agencies.flatMap((a) => a.cycles.map((c) => ({ agency: a.agency, name: a.name, ministry: a.ministry, ...c }))),
    },
  ];
}
