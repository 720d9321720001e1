// The one source of the current time for services, injected so that tests can pin it.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The current time as an ISO 8601 string, as the database stores it. */
export const isoNow = (clock: Clock): string => clock.now().toISOString();
