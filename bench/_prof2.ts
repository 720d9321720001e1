import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/database.js';
import { blockingOf, cycleAgencies } from '../src/repositories/result.repository.js';
import { figuresOf } from '../src/domain/programme.js';
const handle = openDatabase('sqlite:/tmp/prof/n7000.db');
const db = handle.db;
for (let i = 0; i < 4; i++) {
  let t = performance.now();
  const rows = await cycleAgencies(db, 109, ['A', 'B']);
  const t1 = performance.now() - t; t = performance.now();
  figuresOf(rows, { targetLevel: 3, grades: ['A', 'B'], kpi: { grades: ['A'], basis: 'self', minLevel: 3, target: 'all' } }, true);
  const t2 = performance.now() - t; t = performance.now();
  const ids = rows.filter((r) => r.assessment).map((r) => ({ id: r.assessment!, basis: 'self' as const }));
  const b = await blockingOf(db, ids);
  const t3 = performance.now() - t;
  console.log('cycleAgencies', t1.toFixed(1), 'figures', t2.toFixed(1), 'blocking', ids.length, t3.toFixed(1), b.size);
}
console.log(handle.sqlite!.prepare("explain query plan select a.code from agency_grades g join agencies a on a.code=g.agency_code left join assessments s on s.agency_code=g.agency_code and s.cycle_year=g.cycle_year left join assessment_results r on r.assessment_id=s.id where g.cycle_year=109 and g.grade in ('A','B')").all());
await handle.close();
