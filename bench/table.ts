// Prints benchmark results as a Markdown table, headed by a description of the machine.
import { cpus, totalmem, type as osType, release } from 'node:os';

export interface BenchRow {
  name: string;
  subject: string;
  value: string;
  runs: string;
  goal: string;
  /** Whether the goal was met; null for a figure that is only reported. */
  ok: boolean | null;
}

export function machineDescription(): string {
  const cpu = cpus();
  return `${osType()} ${release()}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

export function printTable(rows: BenchRow[]): void {
  const header = ['benchmark', 'subject', 'result', 'runs', 'goal', 'met'];
  const lines = rows.map((r) => [r.name, r.subject, r.value, r.runs, r.goal, r.ok === null ? '—' : r.ok ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`Machine: ${machineDescription()}\n`);
  console.log(format(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}
