// Evidence files (docs/domain.md §5): stored in the database with their SHA-256, recognised by their
// content, and read back only by those who see the assessment; every upload and read is audited.
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { seesAssessment, type Actor } from '../domain/roles.js';
import { safeFileName } from '../domain/text.js';
import * as repo from '../repositories/assessment.repository.js';
import { subjectOf, type AssessmentAccess } from './assessment-access.js';
import type { AuditService } from './audit.service.js';
import { ServiceError, invalid, notFound } from './errors.js';
import { detectEvidenceType } from './evidence-types.js';

export class EvidenceService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly access: AssessmentAccess,
    private readonly audit: AuditService,
    private readonly uploadMaxBytes: number,
  ) {}

  async add(actor: Actor, id: string, input: { process: string; indicator: string; name: string; bytes: Buffer }) {
    const a = await this.access.visible(actor, id);
    this.access.mayEdit(actor, a, 'fill-in');
    this.access.indicatorOf(await this.access.index(a), input.process, input.indicator);
    if (input.bytes.length === 0) throw invalid('the file is empty', [{ path: '/file', message: 'the file is empty' }]);
    if (input.bytes.length > this.uploadMaxBytes) throw new ServiceError('too_large', `the file is larger than ${this.uploadMaxBytes / 1024 / 1024} MB`);
    const type = await detectEvidenceType(input.bytes);
    if (!type) throw new ServiceError('unsupported_media_type', 'evidence must be a PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS, TXT or CSV file (recognised by its content, not its name)');
    return this.access.edit(a, 'fill-in', async (trx, at) => {
      const file = {
        id: randomUUID(),
        assessmentId: a.id,
        process: input.process,
        indicator: input.indicator,
        name: safeFileName(input.name),
        type: type.mime,
        size: input.bytes.length,
        sha256: createHash('sha256').update(input.bytes).digest('hex'),
        content: input.bytes,
        uploadedBy: actor.username,
        createdAt: at,
      };
      await repo.insertEvidenceFile(trx, file);
      const view = { id: file.id, sha256: file.sha256, name: file.name, size: file.size, type: file.type, process: file.process, indicator: file.indicator };
      await this.audit.record(trx, { actor, action: 'evidence.add', subject: subjectOf(a), after: view });
      return view;
    });
  }

  /** An evidence file, access-checked like its assessment; the read is audited. */
  async file(actor: Actor, fileId: string) {
    const file = await repo.findEvidenceFile(this.db, fileId);
    const a = file && (await repo.findAssessment(this.db, file.assessmentId));
    if (!file || !a || !seesAssessment(actor, a)) throw notFound(`no evidence ${fileId}`);
    await this.audit.recordAlone({ actor, action: 'evidence.read', subject: subjectOf(a), after: { evidence: file.id } });
    return file;
  }
}
