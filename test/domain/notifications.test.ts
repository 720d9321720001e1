// The notification rules on their own (src/domain/notifications.ts): who gets what from which facts,
// on which day, with which id. Dates worked out by hand from the deadline 2020-11-30.
import { describe, expect, it } from 'vitest';
import { NOTIFICATION_ID_PATTERN, notificationsOf, type CycleStandingFact, type NotificationFacts } from '../../src/domain/notifications.js';

const assessor = { id: 'u-assessor', username: 'assessor', role: 'assessor' as const, agency: null };
const agency = { id: 'u-agency', username: 'agency', role: 'agency' as const, agency: 'MOI-A' };
const standing: CycleStandingFact = { cycle: 130, agency: 'MOI-A', grade: 'A', grades: ['A', 'B'], closed: false, deadline: '2020-11-30', extension: undefined, assessment: null };
const facts = (over: Partial<NotificationFacts>): NotificationFacts => ({ today: '2020-11-16', assignments: [], returns: [], standings: [], ...over });

describe('notificationsOf', () => {
  it('gives an assessor an assignment only while the assessment is theirs, and only entries that named them', () => {
    const entry = { seq: 7, at: '2020-12-01T00:00:00.000Z', assessment: 'a1', agency: 'MOI-A', cycle: 130, assignedTo: 'assessor', assessorNow: 'u-assessor' };
    expect(notificationsOf(assessor, facts({ assignments: [entry] })).map((n) => n.id)).toEqual(['assignment-7']);
    expect(notificationsOf(assessor, facts({ assignments: [{ ...entry, assessorNow: 'u-other' }] }))).toEqual([]);
    expect(notificationsOf(assessor, facts({ assignments: [{ ...entry, assignedTo: 'assessor2' }] }))).toEqual([]);
    expect(notificationsOf(agency, facts({ assignments: [entry] }))).toEqual([]);
  });

  it('gives agency staff the returns of their own agency, a blank comment as none', () => {
    const returned = { id: 'sc1', at: '2020-12-01T00:00:00.000Z', assessment: 'a1', agency: 'MOI-A', cycle: 130, comment: '  ' };
    expect(notificationsOf(agency, facts({ returns: [returned] }))).toEqual([{ id: 'return-sc1', kind: 'return', at: returned.at, assessment: 'a1', agency: 'MOI-A', cycle: 130, comment: null }]);
    expect(notificationsOf({ ...agency, agency: 'MOEA-B' }, facts({ returns: [returned] }))).toEqual([]);
    expect(notificationsOf({ ...agency, role: 'ministry', agency: null }, facts({ returns: [returned] }))).toEqual([]);
  });

  it('starts each deadline notice on its own Taiwan day, and only while the agency owes the submission', () => {
    const ids = (today: string, s: Partial<CycleStandingFact> = {}) => notificationsOf(agency, facts({ today, standings: [{ ...standing, ...s }] })).map((n) => n.id);
    expect(ids('2020-11-15')).toEqual([]);
    expect(ids('2020-11-16')).toEqual(['deadline-130-MOI-A-14-2020-11-30']);
    expect(ids('2020-11-27')).toEqual(['deadline-130-MOI-A-3-2020-11-30', 'deadline-130-MOI-A-14-2020-11-30']);
    expect(ids('2020-11-30')).toHaveLength(2);
    expect(ids('2020-12-01')).toEqual(['deadline-130-MOI-A-passed-2020-11-30', 'deadline-130-MOI-A-3-2020-11-30', 'deadline-130-MOI-A-14-2020-11-30']);
    expect(ids('2020-12-01', { assessment: { id: 'a1', state: 'draft' } })).toHaveLength(3);
    expect(ids('2020-12-01', { assessment: { id: 'a1', state: 'submitted' } })).toEqual([]);
    expect(ids('2020-12-01', { closed: true })).toEqual([]);
    expect(ids('2020-12-01', { grade: 'C' })).toEqual([]);
    expect(ids('2020-12-01', { deadline: null })).toEqual([]);
    expect(ids('2020-12-01', { extension: { until: '2021-01-02' } })).toEqual([]);
    expect(ids('2020-12-19', { extension: { until: '2021-01-02' } })).toEqual(['deadline-130-MOI-A-14-2021-01-02']);
    expect(ids('2020-12-01', { deadline: null, extension: { until: '2020-12-10' } })).toEqual(['deadline-130-MOI-A-14-2020-12-10']);
  });

  it('makes ids the route’s pattern admits', () => {
    const all = notificationsOf(agency, facts({ today: '2021-01-01', standings: [{ ...standing, agency: 'MOI-A' }], returns: [{ id: '0b7f3c2e-1d5a-4c1e-9b3a-2f6d8e9a0c11', at: 'x', assessment: 'a', agency: 'MOI-A', cycle: 130, comment: null }] }));
    expect(all).toHaveLength(4);
    for (const n of all) expect(n.id).toMatch(new RegExp(NOTIFICATION_ID_PATTERN));
  });
});
