// Content lint of the shipped questionnaires: what a machine can check of their quality.
import { describe, expect, it } from 'vitest';
import type { Indicator, LocalizedText, Questionnaire } from '../../src/domain/questionnaire.js';
import type { Crosswalk } from '../../src/questionnaires/checks.js';
import { compareVersions, loadCatalog } from '../../src/questionnaires/loader.js';
import { score } from '../../src/domain/scoring.js';
import { answerAll } from '../helpers/answers.js';
import referenceIds from '../../src/questionnaires/reference-ids.json' with { type: 'json' };

const catalog = loadCatalog();
const q108 = catalog.questionnaires.get('isgm-108@1.0.0')!.questionnaire;
const q109 = catalog.questionnaires.get('isgm-109@1.0.0')!.questionnaire;
const crosswalk = catalog.crosswalks.find((c) => c.crosswalk.from === 'isgm-108@1.0.0' && c.crosswalk.to === 'isgm-109@1.0.0')!.crosswalk;
const q108c = catalog.questionnaires.get('isgm-108@1.1.0')!.questionnaire;
const q109c = catalog.questionnaires.get('isgm-109@1.1.0')!.questionnaire;
const versions: [string, Questionnaire][] = [
  ['isgm-108@1.0.0', q108],
  ['isgm-109@1.0.0', q109],
  ['isgm-108@1.1.0', q108c],
  ['isgm-109@1.1.0', q109c],
];
/** The corrected editions, from which the house rules of docs/content.md apply. */
const corrected: [string, Questionnaire][] = versions.filter(([, q]) => compareVersions(q.version, '1.1.0') >= 0);
const crosswalkOf = (from: string, to: string): Crosswalk => catalog.crosswalks.find((c) => c.crosswalk.from === from && c.crosswalk.to === to)!.crosswalk;

const processesOf = (q: Questionnaire) => q.aspects.flatMap((a) => a.processes);
const basePractices = (q: Questionnaire) => processesOf(q).flatMap((p) => p.indicators.map((i) => ({ process: p.id, indicator: i })));
const genericPractices = (q: Questionnaire) => q.attributes.flatMap((a) => a.indicators.map((i) => ({ process: a.id, indicator: i })));
const allIndicators = (q: Questionnaire) => [...basePractices(q), ...genericPractices(q)];

/** Every localized text of a questionnaire, with where it stands. */
function texts(q: Questionnaire): { where: string; text: LocalizedText }[] {
  const out: { where: string; text: LocalizedText }[] = [{ where: 'title', text: q.title }];
  const ofIndicator = (where: string, i: Indicator) => [
    { where: `${where} text`, text: i.text },
    { where: `${where} guidance`, text: i.guidance },
    { where: `${where} evidence`, text: i.evidence },
    ...(i.agencyGuidance ? [{ where: `${where} agencyGuidance`, text: i.agencyGuidance }] : []),
  ];
  for (const a of q.attributes) out.push({ where: a.id, text: a.name }, ...a.indicators.flatMap((i) => ofIndicator(i.id, i)));
  for (const aspect of q.aspects) {
    out.push({ where: aspect.id, text: aspect.name });
    for (const p of aspect.processes) {
      out.push({ where: `${p.id} name`, text: p.name }, { where: `${p.id} purpose`, text: p.purpose }, ...p.indicators.flatMap((i) => ofIndicator(`${p.id}/${i.id}`, i)));
    }
  }
  return out;
}

/** Common Simplified forms that are not used in Traditional Chinese. */
const SIMPLIFIED = '资络软这为们个时发实务监测评审级统机关体应数据对护员门证险训练设备报计划网规则档录问题让说进还过经开与内专业术处环节书类项单传输图变权决质标讯资库复乐产从众优会伤亲认识读谁课调谈请诉试详语误说负责购买费资赛车转轮软输达运远连选释钟针铁锁长闭间队阶际陆难页顺须预领风飞饭验骗鱼鸟';

/** A text reduced to what stays when process names, ids and numbers are taken out. */
function normalize(text: string, names: string[]): string {
  let s = text.toLowerCase();
  for (const name of names) s = s.split(name.toLowerCase()).join('§');
  return s
    .replace(/[a-z]{3}-\d{2}/g, '§')
    .replace(/\d+/g, '#')
    .replace(/[\s\p{P}]/gu, '');
}

const cjkCount = (s: string) => (s.match(/\p{Script=Han}/gu) ?? []).length;

describe.each(versions)('%s content', (_name, q) => {
  it('has 4 aspects, 18 processes, 3–6 base practices each and 2–4 generic practices per PA from 2.1', () => {
    expect(q.aspects).toHaveLength(4);
    expect(processesOf(q)).toHaveLength(18);
    for (const p of processesOf(q)) expect(p.indicators.length).toBeGreaterThanOrEqual(3);
    for (const p of processesOf(q)) expect(p.indicators.length).toBeLessThanOrEqual(6);
    for (const a of q.attributes.slice(1)) expect([2, 3, 4]).toContain(a.indicators.length);
  });

  it('uses only known reference ids, on at least 80 % of base practices', () => {
    const iso = new Set(referenceIds.iso27001);
    const csf = new Set(referenceIds.nistCsf);
    const bps = basePractices(q);
    for (const { process, indicator } of bps) {
      for (const id of indicator.references?.iso27001 ?? []) expect(iso.has(id), `${process}/${indicator.id} ${id}`).toBe(true);
      for (const id of indicator.references?.nistCsf ?? []) expect(csf.has(id), `${process}/${indicator.id} ${id}`).toBe(true);
    }
    const referenced = bps.filter(({ indicator: i }) => (i.references?.iso27001?.length ?? 0) + (i.references?.nistCsf?.length ?? 0) > 0);
    expect(referenced.length / bps.length).toBeGreaterThanOrEqual(0.8);
  });

  it('gives no two indicators the same text in either language', () => {
    for (const lang of ['zh-TW', 'en'] as const) {
      const seen = new Map<string, string>();
      for (const { process, indicator } of allIndicators(q)) {
        const key = indicator.text[lang].trim();
        expect(seen.get(key), `${process}/${indicator.id} repeats ${seen.get(key)} (${lang})`).toBeUndefined();
        seen.set(key, `${process}/${indicator.id}`);
      }
    }
  });

  it('has no near-duplicate indicator texts (differing only by a process name or number)', () => {
    const names = processesOf(q).flatMap((p) => [p.name['zh-TW'], p.name.en]).sort((a, b) => b.length - a.length);
    for (const lang of ['zh-TW', 'en'] as const) {
      const seen = new Map<string, string>();
      for (const { process, indicator } of allIndicators(q)) {
        for (const field of ['text', 'guidance'] as const) {
          const key = normalize(indicator[field][lang], names);
          const where = `${process}/${indicator.id} ${field}`;
          expect(seen.get(key), `${where} nearly repeats ${seen.get(key)} (${lang})`).toBeUndefined();
          seen.set(key, where);
        }
      }
    }
  });

  it('gives every indicator guidance and evidence in both languages, guidance long enough to use', () => {
    for (const { process, indicator } of allIndicators(q)) {
      const where = `${process}/${indicator.id}`;
      expect(cjkCount(indicator.guidance['zh-TW']), where).toBeGreaterThanOrEqual(15);
      expect(indicator.guidance.en.trim().length, where).toBeGreaterThanOrEqual(30);
      expect(cjkCount(indicator.evidence['zh-TW']), where).toBeGreaterThan(0);
      expect(indicator.evidence.en.trim().length, where).toBeGreaterThan(10);
      expect(indicator.text.en, `${where} English text has Chinese in it`).not.toMatch(/\p{Script=Han}/u);
    }
  });

  it('writes Chinese in Traditional characters', () => {
    const pattern = new RegExp(`[${SIMPLIFIED}]`, 'u');
    for (const { where, text } of texts(q)) {
      expect(text['zh-TW'], `${where}: ${text['zh-TW'].match(pattern)?.[0] ?? ''}`).not.toMatch(pattern);
    }
  });
});

describe('docs/content.md', () => {
  /** One markdown table: the section it stands in, its header cells and its rows of cells. */
  interface Table { section: string; header: string[]; rows: string[][] }
  const cellsOf = (line: string) => line.split('|').slice(1, -1).map((c) => c.trim());
  async function tables(): Promise<Table[]> {
    const { readFile } = await import('node:fs/promises');
    const lines = (await readFile(new URL('../../docs/content.md', import.meta.url), 'utf8')).split('\n');
    const out: Table[] = [];
    let section = '';
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.startsWith('## ')) section = lines[i]!.slice(3);
      if (!lines[i]!.startsWith('|')) continue;
      const table: Table = { section, header: cellsOf(lines[i]!), rows: [] };
      expect(lines[i + 1], `the line under ${lines[i]}`).toMatch(/^\| ---/);
      for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) table.rows.push(cellsOf(lines[i]!));
      out.push(table);
    }
    return out;
  }
  /** The section of practices for duties that came later (EDR, VANS, SBOM): every other table lists duties of the year. */
  const NOT_A_DUTY = /^Not grade duties in 2019–2020/u;
  const LATER = /端點偵測及應變|EDR|弱點通報機制|VANS/u;
  const columns: [string, Questionnaire][] = [['isgm-108@1.1.0', q108c], ['isgm-109@1.1.0', q109c]];

  it('names, in each column, only base practices of the 1.1.0 edition the column names, each with the start of its own text', async () => {
    const all = await tables();
    expect(all.flatMap((t) => t.rows).length).toBeGreaterThan(40);
    const texts = (q: Questionnaire) => new Map(basePractices(q).map(({ process, indicator }) => [`${process}/${indicator.id}`, indicator.text['zh-TW']]));
    for (const t of all) {
      expect(t.header.slice(1), `columns of the table in ${t.section}`).toEqual(columns.map(([name]) => name));
      for (const row of t.rows) {
        expect(row, `${row[0]}: three cells`).toHaveLength(3);
        columns.forEach(([name, q], c) => {
          const cell = row[c + 1]!;
          if (cell === '—') return;
          const known = texts(q);
          for (const entry of cell.split('<br>')) {
            const m = /^`([A-Z]{3}-\d{2}\/BP\d+)` (.+)$/u.exec(entry);
            expect(m, `${row[0]} (${name}): ${entry}`).not.toBeNull();
            const [, id, text] = m!;
            expect(known.has(id!), `${id} (${name}) in: ${row[0]}`).toBe(true);
            expect(known.get(id!)!.startsWith(text!.replace(/…$/u, '')), `${id} (${name}): the text is not the start of its own`).toBe(true);
          }
        });
      }
    }
  });

  it('lists the duties of the year, and puts EDR, VANS and SBOM only among the practices for later duties', async () => {
    const all = await tables();
    const duties = all.filter((t) => !NOT_A_DUTY.test(t.section)).flatMap((t) => t.rows);
    const later = all.filter((t) => NOT_A_DUTY.test(t.section)).flatMap((t) => t.rows);
    expect(later.length).toBeGreaterThan(0);
    for (const duty of ['資通安全維護計畫', '實施情形', '資通安全長', '專責人員', '1 小時內', '36 小時', '1 個月內', '內部資通安全稽核', '12 小時', '3 小時', '資通安全健診',
      '網站安全弱點檢測', '滲透測試', 'GCB', 'SOC', '資通安全防護', '第三方之驗證', '業務持續運作演練', '資安治理成熟度評估', '專業證照', '委外廠商', 'SSDLC', 'ISAC']) {
      expect(duties.some((r) => r[0]!.includes(duty)), duty).toBe(true);
    }
    for (const row of duties) {
      expect(row.join(' | '), 'a row of the duties of the year names EDR or VANS').not.toMatch(LATER);
      expect(row[0], 'the 2021 form of the training duty').not.toMatch(/專職人員每人每年 ?12 ?小時/u);
    }
    for (const name of ['EDR', 'VANS', 'SBOM']) expect(later.some((r) => r[0]!.includes(name)), name).toBe(true);
    // The protection duties (antivirus among them) are assessed in TEC-02/BP7 of both editions; BP4 is retired.
    const protection = duties.find((r) => r[0]!.includes('資通安全防護'))!;
    for (const duty of ['防毒', '網路防火牆', '電子郵件過濾', '入侵偵測及防禦', '應用程式防火牆', '進階持續性威脅']) expect(protection[0], duty).toContain(duty);
    expect(protection.slice(1).every((c) => c.startsWith('`TEC-02/BP7`'))).toBe(true);
    // The governance maturity self-assessment is a duty of the grade, assessed by GOV-01/BP6 in 109.
    const selfAssessment = duties.find((r) => r[0]!.includes('資安治理成熟度評估'))!;
    expect(all.find((t) => t.rows.includes(selfAssessment))!.section).toMatch(/分級辦法/u);
    expect(selfAssessment[2]).toContain('`GOV-01/BP6`');
  });
});

describe('the 108 → 109 revision', () => {
  const pairs = (q: Questionnaire) => new Set(processesOf(q).flatMap((p) => [...p.indicators, ...q.attributes.flatMap((a) => a.indicators)].map((i) => `${p.id}/${i.id}`)));
  const key = (r: { process: string; indicator: string }) => `${r.process}/${r.indicator}`;
  const mapping = (c: Crosswalk) => new Map(c.indicators.map((m) => [key(m.from), m]));

  it('pins the versions and targets', () => {
    expect([q108.id, q108.version, q108.rocYear, q108.targetLevel]).toEqual(['isgm-108', '1.0.0', 108, 2]);
    expect([q109.id, q109.version, q109.rocYear, q109.targetLevel]).toEqual(['isgm-109', '1.0.0', 109, 3]);
  });

  it('writes crosswalk notes in both languages, Chinese in Traditional characters', () => {
    const pattern = new RegExp(`[${SIMPLIFIED}]`, 'u');
    for (const m of crosswalk.indicators) {
      if (!m.note) continue;
      expect(m.note['zh-TW'], key(m.from)).not.toMatch(pattern);
      expect(cjkCount(m.note['zh-TW']), key(m.from)).toBeGreaterThan(0);
      expect(m.note.en.length, key(m.from)).toBeGreaterThan(10);
    }
  });

  it('maps every 108 indicator exactly once', () => {
    const mapped = crosswalk.indicators.map((m) => key(m.from));
    expect(new Set(mapped).size).toBe(mapped.length);
    expect(new Set(mapped)).toEqual(pairs(q108));
  });

  it('keeps process and indicator ids stable unless the crosswalk says otherwise', () => {
    const ids109 = new Set(processesOf(q109).map((p) => p.id));
    for (const p of crosswalk.processes) {
      if (p.from !== p.to) continue;
      expect(ids109.has(p.from), p.from).toBe(true);
    }
    const after = pairs(q109);
    for (const [from, m] of mapping(crosswalk)) {
      const same = m.to.some((t) => key(t) === from);
      if (same) expect(after.has(from), from).toBe(true);
      else expect(m.note, `${from} moves to ${m.to.map(key).join(', ') || 'nothing'} without a note`).toBeDefined();
    }
  });

  it('rewords, adds, renames and regroups as docs/domain.md §3 requires', () => {
    const byId = (q: Questionnaire) => new Map(allIndicators(q).map(({ process, indicator }) => [`${process}/${indicator.id}`, indicator]));
    const old = byId(q108);
    const reworded = [...byId(q109)].filter(([id, i]) => old.has(id) && old.get(id)!.text['zh-TW'] !== i.text['zh-TW']);
    expect(reworded.length).toBeGreaterThanOrEqual(4);
    const targets = new Set(crosswalk.indicators.flatMap((m) => m.to.map(key)));
    const added = [...pairs(q109)].filter((id) => !targets.has(id));
    expect(added.length).toBeGreaterThanOrEqual(4);
    const renamed = processesOf(q109).filter((p) => processesOf(q108).find((o) => o.id === p.id)!.name['zh-TW'] !== p.name['zh-TW']);
    expect(renamed.map((p) => p.id)).toContain('TEC-02');
    const regrouped = new Set(crosswalk.indicators.filter((m) => m.to.length !== 1 || key(m.to[0]!) !== key(m.from)).map((m) => m.from.process));
    expect(regrouped).toContain('DET-01');
  });
});

/** The glossary of docs/content.md: a form to avoid, and the form to use. */
const GLOSSARY: { avoid: RegExp; use: string; lang: 'zh-TW' | 'en' }[] = [
  { avoid: /資安長/u, use: '資通安全長', lang: 'zh-TW' },
  { avoid: /資訊安全管理制度/u, use: '資訊安全管理系統', lang: 'zh-TW' },
  { avoid: /管理階層審查/u, use: '管理審查', lang: 'zh-TW' },
  { avoid: /(評為|(?<!評 ?)為|方評)\s?[NPLF](?![A-Za-z0-9.])/u, use: '…者評 L；…者評 F', lang: 'zh-TW' },
  { avoid: /(?<!cyber )security maintenance plan/iu, use: 'cyber security maintenance plan', lang: 'en' },
  { avoid: /supervising agenc|(?<!superior or )supervisory agenc/iu, use: 'superior or supervisory agency', lang: 'en' },
];

describe.each(corrected)('%s house rules (from 1.1.0 on)', (_name, q) => {
  it('gives every indicator agency guidance in both languages: the records to cite for L and for F', () => {
    const seen = new Map<string, string>();
    for (const { process, indicator } of allIndicators(q)) {
      const where = `${process}/${indicator.id}`;
      const a = indicator.agencyGuidance;
      expect(a, `${where} has no agencyGuidance`).toBeDefined();
      expect(a!['zh-TW'], where).toMatch(/自評 L.*自評 F/su);
      expect(a!.en, where).toMatch(/self-rate L.*self-rate F/su);
      expect(cjkCount(a!['zh-TW']), where).toBeGreaterThanOrEqual(20);
      expect(a!.en, `${where} English agency guidance has Chinese in it`).not.toMatch(/\p{Script=Han}/u);
      for (const lang of ['zh-TW', 'en'] as const) {
        expect(seen.get(a![lang]), `${where} repeats the agency guidance of ${seen.get(a![lang])}`).toBeUndefined();
        seen.set(a![lang], where);
      }
    }
  });

  it('uses one glossary and one rating phrase, in every text', () => {
    for (const { where, text } of texts(q)) {
      for (const { avoid, use, lang } of GLOSSARY) expect(text[lang], `${where}: "${text[lang].match(avoid)?.[0] ?? ''}" → ${use}`).not.toMatch(avoid);
    }
  });

  it('ends every guidance with an L line and an F line, and writes evidence without a label', () => {
    for (const { process, indicator } of allIndicators(q)) {
      const where = `${process}/${indicator.id}`;
      expect(indicator.guidance['zh-TW'], where).toMatch(/評 L.*評 F/su);
      expect(indicator.guidance.en, where).toMatch(/L:.*F:/su);
      expect(indicator.evidence['zh-TW'], where).not.toMatch(/^\s*證據範例/u);
      expect(indicator.evidence.en, where).not.toMatch(/^\s*evidence examples/iu);
    }
  });

  it('assesses duties that were not yet the grade’s (EDR, VANS, SBOM) only where built or required, NA otherwise', () => {
    const later = /端點偵測及應變|EDR|弱點通報機制|VANS|軟體物料清單|SBOM/u;
    for (const { process, indicator } of basePractices(q)) {
      if (!later.test(indicator.text['zh-TW'] + indicator.text.en)) continue;
      // Either the practice may be NA where it was neither built nor required, or the later duty is only one way of meeting it.
      expect(indicator.guidance['zh-TW'], `${process}/${indicator.id}`).toMatch(/NA|已建置/u);
    }
    // The grade duties tracked in GOV-04 never include them; its guidance may only say that they are not duties.
    const gov04 = processesOf(q).find((p) => p.id === 'GOV-04')!;
    for (const i of gov04.indicators) {
      expect(i.text['zh-TW'] + i.evidence['zh-TW'], `GOV-04/${i.id}`).not.toMatch(/端點偵測及應變|EDR|弱點通報機制|VANS/u);
      for (const sentence of i.guidance['zh-TW'].split('。')) if (/端點偵測及應變|EDR/u.test(sentence)) expect(sentence, `GOV-04/${i.id}`).toMatch(/非[^。]*應辦事項/u);
    }
  });

  it('rates a period with no event on drills, never NA', () => {
    const eventDriven = ['DET-02/BP2', 'DET-02/BP3', 'DET-02/BP4', 'DET-01/BP4', 'MGT-05/BP5', 'GOV-04/BP5'];
    for (const id of eventDriven) {
      const [process, bp] = id.split('/');
      const indicator = processesOf(q).find((p) => p.id === process)!.indicators.find((i) => i.id === bp)!;
      expect(indicator.guidance['zh-TW'], id).toMatch(/演練/u);
      expect(indicator.guidance['zh-TW'], id).toMatch(/不[^。；]{0,6}NA/u);
      expect(indicator.guidance.en, id).toMatch(/\b(never|not)\b[^.;]{0,30}\bNA\b|\bNA is not\b/u);
    }
  });

  it('assesses the grade’s protection duties in a base practice of its own', () => {
    const protection = basePractices(q).filter(({ indicator: i }) => ['A.8.7', 'A.8.20', 'A.8.23'].every((ref) => i.references?.iso27001?.includes(ref)) && i.references?.nistCsf?.includes('DE.CM-01'));
    expect(protection.map(({ process }) => process)).toHaveLength(1);
    const text = protection[0]!.indicator.text['zh-TW'];
    for (const duty of ['防毒', '防火牆', '郵件過濾', '入侵偵測', '應用程式防火牆', '進階持續性威脅']) expect(text, duty).toContain(duty);
  });
});

describe('the 1.1.0 crosswalks', () => {
  const pairs = (q: Questionnaire) => new Set(processesOf(q).flatMap((p) => [...p.indicators, ...q.attributes.flatMap((a) => a.indicators)].map((i) => `${p.id}/${i.id}`)));
  const key = (r: { process: string; indicator: string }) => `${r.process}/${r.indicator}`;
  const cases: [string, Questionnaire, Questionnaire][] = [
    ['isgm-108@1.0.0 → isgm-108@1.1.0', q108, q108c],
    ['isgm-109@1.0.0 → isgm-109@1.1.0', q109, q109c],
    ['isgm-108@1.1.0 → isgm-109@1.1.0', q108c, q109c],
  ];

  it.each(cases)('%s maps every indicator once, notes what changed in both languages, and follows the glossary', (_name, from, to) => {
    const c = crosswalkOf(`${from.id}@${from.version}`, `${to.id}@${to.version}`);
    const mapped = c.indicators.map((m) => key(m.from));
    expect(new Set(mapped).size).toBe(mapped.length);
    expect(new Set(mapped)).toEqual(pairs(from));
    const pattern = new RegExp(`[${SIMPLIFIED}]`, 'u');
    const notes = [...c.indicators.map((m) => ({ where: key(m.from), note: m.note })), ...c.processes.map((p) => ({ where: p.from, note: p.note }))];
    for (const { where, note } of notes) {
      if (!note) continue;
      expect(note['zh-TW'], where).not.toMatch(pattern);
      expect(cjkCount(note['zh-TW']), where).toBeGreaterThan(5);
      expect(note.en.length, where).toBeGreaterThan(20);
      for (const { avoid, use, lang } of GLOSSARY) expect(note[lang], `${where}: → ${use}`).not.toMatch(avoid);
    }
    // A practice whose id is kept but whose meaning moved elsewhere says so.
    for (const m of c.indicators) if (!m.to.some((t) => key(t) === key(m.from))) expect(m.note, `${key(m.from)} moves without a note`).toBeDefined();
  });

  it('shows the protection-duty practice as added from 1.0.0, and says the TEC-02 rename once, at the process', () => {
    for (const [from, to] of [[q108, q108c], [q109, q109c]] as const) {
      const c = crosswalkOf(`${from.id}@1.0.0`, `${to.id}@1.1.0`);
      const protection = basePractices(to).find(({ indicator: i }) => i.references?.nistCsf?.includes('DE.CM-01') && i.references.iso27001?.includes('A.8.23'))!;
      const sources = c.indicators.filter((m) => m.to.some((t) => key(t) === `${protection.process}/${protection.indicator.id}`));
      // Added: nothing maps onto it, or what does says in its note what it absorbed.
      for (const m of sources) expect(m.note, key(m.from)).toBeDefined();
    }
    const across = crosswalkOf('isgm-108@1.1.0', 'isgm-109@1.1.0');
    expect(across.processes.find((p) => p.from === 'TEC-02')!.note).toBeDefined();
    const renameSentences = across.indicators.filter((m) => m.from.process === 'TEC-02' && /更名|renamed/u.test(`${m.note?.['zh-TW'] ?? ''}${m.note?.en ?? ''}`));
    expect(renameSentences).toHaveLength(0);
  });
});

describe('calibration: an agency of 2020 that built no EDR, VANS or SBOM', () => {
  it('reaches level 3 on isgm-109@1.1.0 with everything else F up to level 3 and NA (justified) on those practices', () => {
    const loaded = catalog.questionnaires.get('isgm-109@1.1.0')!;
    const later = /端點偵測及應變|EDR|弱點通報機制|VANS|軟體物料清單|SBOM/u;
    const notBuilt = new Set(basePractices(q109c).filter(({ indicator: i }) => later.test(i.text['zh-TW'])).map(({ process, indicator }) => `${process}/${indicator.id}`));
    const answers = answerAll(loaded, (p, i, level) => (level > 3 ? undefined : notBuilt.has(`${p}/${i}`) ? 'NA' : 'F')).map((a) => (a.rating === 'NA' ? { ...a, evidence: null, justification: '109 年度未建置，亦無主管機關書面要求' } : a));
    const result = score(loaded, { answers, outOfScope: [] });
    expect(result).toMatchObject({ level: 3, meetsTarget: true });
    // Under 1.0.0 the reviewer's CLI run of the same agency gave level 2: TEC-02 fell to 1 on the EDR practice rated N.
    const old = catalog.questionnaires.get('isgm-109@1.0.0')!;
    const oldAnswers = answerAll(old, (p, i, level) => (level > 3 ? undefined : p === 'TEC-02' && i === 'BP6' ? 'N' : 'F'));
    expect(score(old, { answers: oldAnswers, outOfScope: [] })).toMatchObject({ level: 2, meetsTarget: false });
  });
});
