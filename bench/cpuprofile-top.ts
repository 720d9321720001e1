// Summarises a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, with their share of the
// sampled time and where they live. `npx tsx bench/cpuprofile-top.ts <file.cpuprofile> [count]`; the load bench
// calls topSelfTime itself under LOAD_PROFILE=1.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../src/paths.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  /** Percent of all sampled time. */
  share: number;
}

/**
 * Self time per function (name + location), summed over every node of the call tree that stands for it; a
 * sample's time is its following delta, as V8 records it. `(idle)` is left out of the shares: time the process
 * waited for work is not time a function took. `window` (µs of the monotonic clock, process.hrtime.bigint() / 1000n
 * in another process of the same machine) keeps only the samples taken while a load ran, not the server's start.
 */
export function topSelfTime(file: string, count = 15, window?: { from: bigint; to: bigint }): { rows: SelfTime[]; text: string } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, SelfTime>();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (window && (at < Number(window.from) || at > Number(window.to))) return;
    const node = byId.get(id)!;
    const us = profile.timeDeltas[i + 1] ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') return;
    total += us;
    const shortUrl = url.startsWith('file://') ? relative(packageRoot, fileURLToPath(url)) : url;
    const where = shortUrl ? `${shortUrl}:${lineNumber + 1}` : '';
    const name = functionName || '(anonymous)';
    const key = `${name} ${where}`;
    const entry = self.get(key) ?? { name, where, ms: 0, share: 0 };
    entry.ms += us / 1000;
    self.set(key, entry);
  });
  const rows = [...self.values()].sort((a, b) => b.ms - a.ms).slice(0, count);
  for (const r of rows) r.share = (r.ms * 1000 * 100) / Math.max(1, total);
  const text = [`busy (non-idle) time sampled: ${(total / 1e6).toFixed(1)} s`, ...rows.map((r, i) => `${String(i + 1).padStart(2)}. ${r.share.toFixed(1).padStart(5)} %  ${r.ms.toFixed(0).padStart(6)} ms  ${r.name}  ${r.where}`)].join('\n');
  return { rows, text };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, count] = process.argv.slice(2);
  if (!file) throw new Error('usage: tsx bench/cpuprofile-top.ts <file.cpuprofile> [count]');
  console.log(topSelfTime(file, count ? Number(count) : 15).text);
}
