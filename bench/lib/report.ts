/**
 * The results table: one row per figure, with the baseline it is compared against (measured in
 * the same run), the ratio, the target and whether it was met. Load average is sampled during
 * each benchmark so a reader can tell a quiet run from a contended one.
 */
import { readFileSync } from 'node:fs';

export interface Row {
  bench: string;
  figure: string;
  value: string;
  baseline?: string;
  ratio?: string;
  target?: string;
  /** true/false when there is a target; undefined when the row is informative. */
  ok?: boolean;
}

export interface Section {
  name: string;
  load: { min: number; max: number; mean: number };
  seconds: number;
}

const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v).toLocaleString('en')} ms`;

export const fmt = {
  int: (v: number) => Math.round(v).toLocaleString('en'),
  n: (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : '–'),
  ms,
  /** A duration: milliseconds below 10 s, seconds from there. */
  dur: (v: number) => (v < 10_000 ? ms(v) : `${(v / 1000).toFixed(1)} s`),
  mib: (v: number) => `${Math.round(v)} MiB`,
  pct: (v: number) => `${(v * 100).toFixed(0)} %`,
  x: (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–'),
};

function load1(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return 0;
  }
}

/** Samples the 1-minute load average every few seconds while a benchmark runs. */
export class LoadSampler {
  private samples: number[] = [];
  private timer: NodeJS.Timeout;
  private t0 = Date.now();
  constructor(
    readonly name: string,
    everyMs = 5000,
  ) {
    this.samples.push(load1());
    this.timer = setInterval(() => this.samples.push(load1()), everyMs);
    this.timer.unref();
  }
  stop(): Section {
    clearInterval(this.timer);
    this.samples.push(load1());
    const s = this.samples;
    return {
      name: this.name,
      load: { min: Math.min(...s), max: Math.max(...s), mean: s.reduce((a, b) => a + b, 0) / s.length },
      seconds: (Date.now() - this.t0) / 1000,
    };
  }
}

const esc = (s: string) => s.replace(/\|/g, '\\|');

export function renderTable(rows: Row[]): string {
  const head = '| benchmark | figure | value | baseline (same run) | ratio | target | met |\n|---|---|---|---|---|---|---|';
  const body = rows.map(
    (r) =>
      `| ${esc(r.bench)} | ${esc(r.figure)} | ${esc(r.value)} | ${esc(r.baseline ?? '')} | ${esc(r.ratio ?? '')} | ${esc(r.target ?? '')} | ${r.ok === undefined ? '' : r.ok ? 'yes' : '**no**'} |`,
  );
  return [head, ...body].join('\n');
}

export function renderSections(sections: Section[]): string {
  return sections
    .map((s) => `- ${s.name}: ${Math.round(s.seconds)} s, load average ${s.load.mean.toFixed(2)} (min ${s.load.min.toFixed(2)}, max ${s.load.max.toFixed(2)})`)
    .join('\n');
}
