/**
 * A private, throwaway PostgreSQL cluster for tests that stop and start the database server
 * itself (the shared one at TEST_DATABASE_URL serves other test runs and must never be
 * restarted). initdb into a temporary folder, a free port on 127.0.0.1, trust auth, no fsync.
 *
 * initdb refuses to run as root, so as root every PostgreSQL binary runs as the `postgres` OS user
 * through `runuser`. `privatePostgresUnavailable()` says in plain words why a cluster cannot be
 * made here (no binaries, root without a postgres user…), so the test can skip with that reason.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const BIN = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

function postgresUser(): { uid: number; gid: number } | null {
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) return null;
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

const asRoot = () => process.getuid?.() === 0;

/** Why no private cluster can be made on this machine, or null when one can. */
export function privatePostgresUnavailable(): string | null {
  if (!existsSync(path.join(BIN, 'initdb')) || !existsSync(path.join(BIN, 'pg_ctl'))) return `no PostgreSQL server binaries in ${BIN} (set PG_BIN_DIR)`;
  if (asRoot()) {
    if (!postgresUser()) return 'running as root, and there is no "postgres" OS user to run initdb as';
    if (spawnSync('runuser', ['--help']).error) return 'running as root without runuser to drop to the postgres user';
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export class PrivatePostgres {
  readonly dir: string;
  port = 0;

  constructor() {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'pushdeck-pg-'));
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Runs a PostgreSQL binary (asynchronously: the test's event loop keeps serving meanwhile). */
  private async run(bin: string, args: string[]): Promise<string> {
    const cmd = path.join(BIN, bin);
    try {
      const { stdout } = asRoot() ? await execFileAsync('runuser', ['-u', 'postgres', '--', cmd, ...args]) : await execFileAsync(cmd, args);
      return stdout;
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      const log = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').slice(-2000) : '';
      throw new Error(`${bin} ${args.join(' ')} failed: ${err.stderr || err.message}\n${log}`);
    }
  }

  private get data() {
    return path.join(this.dir, 'data');
  }
  private get logFile() {
    return path.join(this.dir, 'server.log');
  }

  async init(): Promise<void> {
    if (asRoot()) {
      const u = postgresUser()!;
      chownSync(this.dir, u.uid, u.gid);
    }
    await this.run('initdb', ['-D', this.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    this.port = await freePort();
  }

  async start(): Promise<void> {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`;
    await this.run('pg_ctl', ['-D', this.data, '-l', this.logFile, '-o', opts, '-w', '-t', '60', 'start']);
  }

  /** Fast shutdown: open connections are closed, running transactions rolled back. */
  async stop(): Promise<void> {
    await this.run('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  }

  async dispose(): Promise<void> {
    if (existsSync(path.join(this.data, 'postmaster.pid'))) await this.run('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }
}
