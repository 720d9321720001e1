// The dashboard and the priority list as the API and the pages read them: through the read cache, under a key
// naming the cycle and what the reader sees (the office everything, a ministry user its own agencies).
import type { Actor } from '../domain/roles.js';
import type { AnalyticsService, Priority } from './analytics.service.js';
import { ministryOf, type Dashboard, type DashboardService } from './dashboard.service.js';
import type { ReadCache } from './read-cache.js';

export class ProgrammeReads {
  constructor(
    private readonly cache: ReadCache,
    private readonly dashboards: DashboardService,
    private readonly analytics: AnalyticsService,
  ) {}

  private readonly scope = (actor: Actor): string => ministryOf(actor) ?? '*';

  /** `GET /api/dashboard`'s JSON text. */
  dashboardJson(actor: Actor, cycle: number): Promise<string> {
    return this.cache.json(`dashboard:${cycle}:${this.scope(actor)}`, () => this.dashboards.get(actor, cycle));
  }

  /** `GET /api/dashboard/priority`'s JSON text. */
  priorityJson(actor: Actor, cycle: number): Promise<string> {
    return this.cache.json(`priority:${cycle}:${this.scope(actor)}`, () => this.analytics.priority(actor, cycle));
  }

  /** The dashboard the pages draw: the API's document, value for value. */
  async dashboard(actor: Actor, cycle: number): Promise<Dashboard> {
    return JSON.parse(await this.dashboardJson(actor, cycle)) as Dashboard;
  }

  async priority(actor: Actor, cycle: number): Promise<Priority> {
    return JSON.parse(await this.priorityJson(actor, cycle)) as Priority;
  }
}
