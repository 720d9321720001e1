// The load bench's own HTTP load generator, on node:http with keep-alive agents (undici is not among the
// project's packages): a closed loop (N connections, each sends its next request when the last one answered)
// to find a route's capacity, and an open loop that sends on a timer at a fixed rate and times every request
// from the moment the schedule meant to send it, so that a server falling behind shows in the latency instead
// of slowing the generator down (no coordinated omission).
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Call {
  /** Latencies are also reported per kind (e.g. `save`, `read`). */
  kind: string;
  method: 'GET' | 'PUT';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Told of the outcome (status, body text when not 2xx) before the next call is made. */
  done?: (status: number, body: string) => void;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** Up to five error descriptions, for the bench's log. */
  errorSamples: string[];
  seconds: number;
  rps: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  max: number;
  bytes: number;
  byKind: Record<string, { requests: number; p50: number; p99: number; max: number }>;
}

const percentile = (sorted: Float64Array, p: number): number => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!);

class Recorder {
  private latencies: number[] = [];
  private kinds = new Map<string, number[]>();
  errors = 0;
  errorSamples: string[] = [];
  bytes = 0;
  record(kind: string, ms: number): void {
    this.latencies.push(ms);
    let list = this.kinds.get(kind);
    if (!list) this.kinds.set(kind, (list = []));
    list.push(ms);
  }
  error(text: string): void {
    this.errors++;
    if (this.errorSamples.length < 5) this.errorSamples.push(text.slice(0, 300));
  }
  result(seconds: number): LoadResult {
    const sorted = Float64Array.from(this.latencies).sort();
    const byKind: LoadResult['byKind'] = {};
    for (const [kind, list] of this.kinds) {
      const s = Float64Array.from(list).sort();
      byKind[kind] = { requests: s.length, p50: percentile(s, 0.5), p99: percentile(s, 0.99), max: s[s.length - 1]! };
    }
    return { requests: sorted.length, errors: this.errors, errorSamples: this.errorSamples, seconds, rps: sorted.length / seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.length ? sorted[sorted.length - 1]! : NaN, bytes: this.bytes, byKind };
  }
}

/** Sends one call on the agent; resolves with the status and, unless 2xx, the body text. */
function send(base: URL, agent: Agent, call: Call, recorder: Recorder): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: base.hostname, port: base.port, method: call.method, path: call.path, headers: call.body === undefined ? call.headers : { ...call.headers, 'content-length': Buffer.byteLength(call.body) }, agent }, (res) => {
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        recorder.bytes += c.length;
        if (!ok) chunks.push(c);
      });
      res.on('end', () => resolve({ status, body: ok ? '' : Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => resolve({ status: 0, body: String(e) }));
    });
    req.on('error', (e) => resolve({ status: 0, body: String(e) }));
    if (call.body !== undefined) req.end(call.body);
    else req.end();
  });
}

const agentFor = (sockets: number) => new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });

/**
 * Closed loop: `connections` workers, worker w making calls `next(w)` one after another for `seconds`
 * against `bases[w % bases.length]` (several bases: round-robin across instances, worker by worker).
 */
export async function closedLoop(bases: string[], connections: number, seconds: number, next: (worker: number) => Call): Promise<LoadResult> {
  const urls = bases.map((b) => new URL(b));
  const agents = urls.map(() => agentFor(connections));
  const recorder = new Recorder();
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, w) => {
      while (performance.now() < end) {
        const call = next(w);
        const sent = performance.now();
        const { status, body } = await send(urls[w % urls.length]!, agents[w % urls.length]!, call, recorder);
        recorder.record(call.kind, performance.now() - sent);
        if (status < 200 || status >= 300) recorder.error(`${call.method} ${call.path}: ${status} ${body}`);
        call.done?.(status, body);
      }
    }),
  );
  const result = recorder.result((performance.now() - started) / 1000);
  for (const a of agents) a.destroy();
  return result;
}

/**
 * Open loop: call k is due at start + k / rate; a timer sends every call that is due, whether or not earlier
 * ones have answered, and each latency runs from the call's due time to its answer's end. Calls still
 * unanswered when the run ends are waited for and counted.
 */
export async function openLoop(bases: string[], rate: number, seconds: number, next: (k: number) => Call, sockets = 512): Promise<LoadResult> {
  const urls = bases.map((b) => new URL(b));
  const agents = urls.map(() => agentFor(sockets));
  const recorder = new Recorder();
  const total = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  let k = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (k < total && started + k * interval <= now) {
        const due = started + k * interval;
        const call = next(k);
        const i = k % urls.length;
        const p = send(urls[i]!, agents[i]!, call, recorder).then(({ status, body }) => {
          recorder.record(call.kind, performance.now() - due);
          if (status < 200 || status >= 300) recorder.error(`${call.method} ${call.path}: ${status} ${body}`);
          call.done?.(status, body);
          inFlight.delete(p);
        });
        inFlight.add(p);
        k++;
      }
      if (k >= total) return resolve();
      setTimeout(tick, Math.max(0, started + k * interval - performance.now()));
    };
    tick();
  });
  await Promise.all([...inFlight]);
  const result = recorder.result((performance.now() - started) / 1000);
  for (const a of agents) a.destroy();
  return result;
}
