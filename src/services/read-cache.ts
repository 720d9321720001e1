// The programme's heaviest reads (the dashboard, the priority list) kept as their JSON text until anything changes.
// Every change the service makes is audited in its own transaction, so the audit chain's head names the state of
// the data: a read keyed by it (and by the Taiwan date, since "overdue" moves with the calendar) is served as stored
// until the head moves. Each instance keeps its own entries; the key comes from the database, so instances agree.
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { taiwanDate } from '../domain/deadlines.js';
import { readAuditHead } from '../repositories/audit.repository.js';
import type { Clock } from './clock.js';

export class ReadCache {
  private readonly entries = new Map<string, { version: string; json: string }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly limit = 32,
  ) {}

  /** The JSON text of `compute()` for `key`, computed again only when the data or the date has changed since. */
  async json(key: string, compute: () => Promise<unknown>): Promise<string> {
    // Read the version before computing: what is computed is then at least as new as the version it is kept under.
    const head = await readAuditHead(this.db);
    const version = `${head.seq}:${head.hash}:${taiwanDate(this.clock.now())}`;
    const cached = this.entries.get(key);
    if (cached?.version === version) {
      // Most recently used last, so the oldest is the first to go.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached.json;
    }
    const json = JSON.stringify(await compute());
    this.entries.delete(key);
    this.entries.set(key, { version, json });
    while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
    return json;
  }
}
