/**
 * Child processes of the benchmark: TypeScript entry points run the way `npm run worker` runs
 * them (node --conditions=react-server --import tsx), each measured from the outside through
 * /proc, and always stopped by their own pid when the run ends or fails.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { cpuMs, vmHwmMiB } from './procstat';

/** Extra environment for a child (merged over this process's). */
export type Env = Record<string, string | undefined>;

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const TSX_ARGS = ['--conditions=react-server', '--import', 'tsx'];

const live = new Set<ChildProcess>();
let hooked = false;

/** Kills every child still running (this process is exiting). */
function killAll(): void {
  for (const c of live) if (c.exitCode === null && c.pid) c.kill('SIGKILL');
}

function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', killAll);
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        killAll();
        process.exit(130);
      });
    }
  }
  return child;
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** Output lines seen so far (stdout and stderr), for error messages. */
  tail(): string;
  /** Resolves with the first output line matching `re`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  cpuMs(): number;
  peakRssMiB(): number;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

function wrap(proc: ChildProcess, label: string): Child {
  track(proc);
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const onData = (buf: Buffer) => {
    for (const line of buf.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 200) lines.shift();
      if (process.env.BENCH_VERBOSE) process.stderr.write(`[${label}] ${line}\n`);
      for (const w of [...waiters]) {
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  let lastCpu = 0;
  let lastRss = 0;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const child: Child = {
    proc,
    pid: proc.pid!,
    tail: () => lines.slice(-30).join('\n'),
    waitFor(re, timeoutMs = 120_000) {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${label}: no line matching ${re} within ${timeoutMs} ms\n${child.tail()}`)), timeoutMs);
        proc.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`${label} exited (code ${code}) before printing ${re}\n${child.tail()}`));
        });
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      });
    },
    cpuMs() {
      lastCpu = cpuMs(proc.pid!) ?? lastCpu;
      return lastCpu;
    },
    peakRssMiB() {
      lastRss = vmHwmMiB(proc.pid!) ?? lastRss;
      return lastRss;
    },
    async stop(graceMs = 15_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  return child;
}

/** Runs a TypeScript file as its own Node process with the app's module conditions. */
export function spawnTs(file: string, o: { env?: Env; args?: string[]; label?: string; nodeArgs?: string[] } = {}): Child {
  const proc = spawn(process.execPath, [...(o.nodeArgs ?? []), ...TSX_ARGS, path.resolve(ROOT, file), ...(o.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return wrap(proc, o.label ?? path.basename(file));
}

/** Runs a plain JavaScript entry point (e.g. the production server) as its own Node process. */
export function spawnNode(file: string, o: { env?: Env; args?: string[]; label?: string; nodeArgs?: string[] } = {}): Child {
  const proc = spawn(process.execPath, [...(o.nodeArgs ?? []), path.resolve(ROOT, file), ...(o.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return wrap(proc, o.label ?? path.basename(file));
}

/** Like spawnTs, with an IPC channel (the child talks JSON messages to this process). */
export function forkTs(file: string, o: { env?: Env; label?: string; nodeArgs?: string[] } = {}): Child {
  const proc = fork(path.resolve(ROOT, file), [], {
    cwd: ROOT,
    env: { ...process.env, ...o.env },
    execArgv: [...(o.nodeArgs ?? []), ...TSX_ARGS],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return wrap(proc, o.label ?? path.basename(file));
}

/** Sends `msg` and waits for the first reply of type `replyType`. */
export function request<T extends { type: string }>(child: Child, msg: unknown, replyType: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.proc.off('message', onMessage);
      reject(new Error(`no ${replyType} reply within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: unknown) => {
      if ((m as { type?: string })?.type !== replyType) return;
      clearTimeout(timer);
      child.proc.off('message', onMessage);
      resolve(m as T);
    };
    child.proc.on('message', onMessage);
    child.proc.send(msg as never);
  });
}

/** Runs a command to completion, inheriting output; rejects on a non-zero exit. */
export function runCommand(cmd: string, args: string[], env: Env = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = track(spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] }));
    proc.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
