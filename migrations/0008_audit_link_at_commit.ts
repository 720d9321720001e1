// PostgreSQL links each audit entry into the chain when its transaction commits, inside the database: the
// entry is inserted unlinked (a negative placeholder seq, no hashes) and a deferred constraint trigger claims
// the chain head, hashes the entry and moves the head during COMMIT. The head's row lock is then held for the
// commit alone, not across the round trips between an instance and the database (docs/performance.md, "Load").
// The hash is the one hashAuditEntry computes (SHA-256 of the RFC 8785 canonical JSON of the entry's fields
// but the hash, keys in code-unit order; `to_json` escapes a string as JSON.stringify does), and audit-verify
// keeps checking every entry with hashAuditEntry; test/services/audit-link.test.ts holds the two to the same
// bytes. SQLite, with its one writer, keeps linking inside the transaction: nothing to gain there.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`create sequence audit_pending_seq`.execute(db);
  await sql`
    create function audit_hash(p_seq integer, p_at text, p_actor text, p_action text, p_subject text, p_before text, p_after text, p_prev_hash text)
    returns text language sql immutable as $$
      select encode(sha256(convert_to(
        '{"action":' || to_json(p_action)::text
        || ',"actor":' || coalesce(to_json(p_actor)::text, 'null')
        || ',"after":' || coalesce(to_json(p_after)::text, 'null')
        || ',"at":' || to_json(p_at)::text
        || ',"before":' || coalesce(to_json(p_before)::text, 'null')
        || ',"prevHash":' || to_json(p_prev_hash)::text
        || ',"seq":' || p_seq::text
        || ',"subject":' || to_json(p_subject)::text || '}', 'UTF8')), 'hex')
    $$`.execute(db);
  await sql`
    create function audit_link() returns trigger language plpgsql as $$
    declare
      linked_seq integer;
      prev text;
      linked text;
    begin
      update audit_head set seq = seq + 1 where id = 1 returning seq, hash into linked_seq, prev;
      if linked_seq is null then
        raise exception 'the audit chain has no head row';
      end if;
      linked := audit_hash(linked_seq, new.at, new.actor, new.action, new.subject, new.before, new.after, prev);
      update audit_entries set seq = linked_seq, prev_hash = prev, hash = linked where seq = new.seq;
      update audit_head set hash = linked where id = 1;
      return null;
    end
    $$`.execute(db);
  await sql`
    create constraint trigger audit_link after insert on audit_entries
    deferrable initially deferred for each row when (new.seq < 0) execute function audit_link()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop trigger audit_link on audit_entries`.execute(db);
  await sql`drop function audit_link()`.execute(db);
  await sql`drop function audit_hash(integer, text, text, text, text, text, text, text)`.execute(db);
  await sql`drop sequence audit_pending_seq`.execute(db);
}
