import { openDatabase } from '../src/db/database.js';
const handle = openDatabase('sqlite:/tmp/prof/n7000.db');
const sql = `select agencies.code, agencies.name, agencies.ministry, agency_grades.grade, assessments.id, assessments.status, r.self_level, r.self_score, r.self_meets_target, r.validated_level, r.validated_score, r.validated_meets_target from agency_grades inner join agencies on agencies.code = agency_grades.agency_code left join assessments on assessments.agency_code = agency_grades.agency_code and assessments.cycle_year = agency_grades.cycle_year left join assessment_results r on r.assessment_id = assessments.id where agency_grades.cycle_year = 109 and agency_grades.grade in ('A','B') order by agencies.code`;
console.log(handle.sqlite!.prepare('explain query plan ' + sql).all().map((r: any) => r.detail));
const st = handle.sqlite!.prepare(sql);
for (let i = 0; i < 5; i++) { const t = performance.now(); const rows = st.all(); console.log(rows.length, (performance.now() - t).toFixed(1)); }
console.log(handle.sqlite!.prepare("select count(*) n from pragma_index_list('assessment_results')").all(), handle.sqlite!.prepare("select name from pragma_index_list('assessment_results')").all());
await handle.close();
