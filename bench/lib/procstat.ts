/**
 * CPU time and peak memory of other processes, read from /proc (Linux): the benchmark measures
 * the worker, the app and PostgreSQL from the outside, so the numbers include everything those
 * processes do (GC, TLS, the queue's polling), not only what a profiler inside would attribute.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Sql } from 'postgres';

let tick: number | undefined;
/** Clock ticks per second (USER_HZ), almost always 100. */
function ticksPerSecond(): number {
  if (tick === undefined) {
    try {
      tick = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      tick = 100;
    }
  }
  return tick;
}

/** Fields of /proc/<pid>/stat after the command name (index 0 is field 3, `state`). */
function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // the process is gone
  }
}

/** utime + stime of a live process, in milliseconds (all its threads). */
export function cpuMs(pid: number): number | null {
  const f = statFields(pid);
  if (!f) return null;
  return ((Number(f[11]) + Number(f[12])) * 1000) / ticksPerSecond();
}

function statusKb(pid: number, field: string): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Peak resident set size (VmHWM) in MiB. */
export function vmHwmMiB(pid: number): number | null {
  const kb = statusKb(pid, 'VmHWM');
  return kb === null ? null : kb / 1024;
}

/**
 * Resets a process's peak RSS to its current RSS (Linux ≥ 4.0: `5` to /proc/<pid>/clear_refs),
 * so a long-lived process's peak can be read per phase. Returns false where that is not allowed.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * PostgreSQL CPU spent for one database while a measurement runs: the backends connected to it,
 * plus the shared background processes (WAL writer, checkpointer, background writer, autovacuum)
 * that our writes keep busy. Backends come and go (pool idle timeouts), so the meter samples the
 * process list every `everyMs`: a backend first seen mid-run counts from zero (it was born in the
 * window), one that exits counts up to its last sample (an undercount of at most one interval).
 * Its own connection is excluded.
 */
export class PgCpuMeter {
  private seen = new Map<number, { base: number; last: number }>();
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly sql: Sql,
    private readonly database: string,
    private readonly everyMs = 250,
  ) {}

  private async pids(): Promise<number[]> {
    const rows = await this.sql<{ pid: number }[]>`
      select pid from pg_stat_activity
      where pid <> pg_backend_pid()
        and (datname = ${this.database}
             or backend_type in ('walwriter', 'checkpointer', 'background writer', 'autovacuum launcher'))`;
    return rows.map((r) => r.pid);
  }

  private async sample(first: boolean): Promise<void> {
    for (const pid of await this.pids()) {
      const ms = cpuMs(pid);
      if (ms === null) continue;
      const known = this.seen.get(pid);
      if (known) known.last = ms;
      else this.seen.set(pid, { base: first ? ms : 0, last: ms });
    }
  }

  async start(): Promise<void> {
    this.seen.clear();
    await this.sample(true);
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample(false)).catch(() => {});
    }, this.everyMs);
  }

  /** CPU milliseconds since start(). */
  async stop(): Promise<number> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample(false);
    let total = 0;
    for (const { base, last } of this.seen.values()) total += last - base;
    return total;
  }
}

/** The 1-minute load average and the CPU model, for the table's header. */
export function machine(): { cpus: number; model: string; load1: number } {
  let model = 'unknown CPU';
  let cpus = 0;
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? model;
    cpus = (info.match(/^processor\s*:/gm) ?? []).length;
  } catch {
    /* not Linux */
  }
  let load1 = 0;
  try {
    load1 = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    /* not Linux */
  }
  return { cpus, model, load1 };
}
