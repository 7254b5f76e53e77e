/**
 * The command line's dispatcher: finds the command, parses its options, opens the database the
 * app uses (only once the arguments are known to be right), runs the command and maps the
 * outcome to an exit code. Kept apart from `scripts/cli.ts` so tests run it in-process against
 * their own database, with captured output.
 *
 * Exit codes: 0 success, 1 failure (the message says why), 2 usage error (with the help).
 */
import { parseArgs } from 'node:util';
import { openDatabase, DatabaseLockedError, type Database } from '../../db';
import { config, ConfigError } from '../../lib/env';
import { isAppError } from '../../lib/errors';
import { makeCtx } from '../../server/context';
import { projectBySlug } from '../../server/projects/queries';
import { commands } from './commands';
import { CliError, UsageError, type Command, type CommandIo } from './types';

export interface CliEnv {
  stdout: (chunk: string | Uint8Array) => void | Promise<void>;
  stderr: (chunk: string) => void;
  readStdin: () => Promise<string>;
  /** Opens the database; by default the one the app's configuration names. */
  openDb?: () => Promise<Database>;
}

const GLOBAL_OPTIONS = [
  ['--project <slug>', 'the project (site) to act in; the default project when omitted'],
  ['--json', 'machine-readable output on stdout'],
  ['--help', 'this help'],
] as const;

export function help(cmd?: Command): string {
  if (cmd) {
    const rows: [string, string][] = Object.entries(cmd.options).map(([k, o]) => [
      `--${k}${o.type === 'string' ? ` <${o.placeholder ?? 'value'}>` : ''}`,
      o.description,
    ]);
    rows.push(...GLOBAL_OPTIONS.map(([a, b]) => [a, b] as [string, string]));
    const width = Math.max(...rows.map((r) => r[0].length));
    const opts = rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`).join('\n');
    const examples = cmd.examples?.length ? `\nExamples:\n${cmd.examples.map((e) => `  ${e}`).join('\n')}\n` : '';
    return `${cmd.summary}\n\nUsage: npm run cli -- ${cmd.usage}\n\nOptions:\n${opts}\n${examples}`;
  }
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Pushdeck command line\n\nUsage: npm run cli -- <command> [options]\n\nCommands:\n${commands
    .map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
    .join('\n')}\n\nRun \`npm run cli -- <command> --help\` for a command's options. Exit codes: 0 done, 1 failed, 2 wrong usage.\n`;
}

function describeError(e: unknown): string {
  if (e instanceof ConfigError || e instanceof DatabaseLockedError || e instanceof CliError) return `${e.message}\n`;
  if (isAppError(e)) {
    // One field: its message says what to fix (unless the error's own says more). Several: each,
    // by the service's field name.
    const fields = e.fieldErrors ? Object.entries(e.fieldErrors) : [];
    if (fields.length === 1) {
      const detail = fields[0]![1].join(' ');
      return `Error: ${e.message.includes(detail) ? e.message : detail}\n`;
    }
    return `Error: ${e.message}${fields.map(([k, v]) => `\n  ${k || 'input'}: ${v.join(' ')}`).join('')}\n`;
  }
  return `Unexpected error: ${(e as Error)?.stack ?? e}\n`;
}

export async function runCli(argv: string[], env: CliEnv): Promise<number> {
  // Two-word commands ("vapid list") are matched before one-word ones.
  const two = argv.slice(0, 2).join(' ');
  const cmd = commands.find((c) => c.name === two) ?? commands.find((c) => c.name === argv[0]);
  if (!cmd) {
    if (!argv[0] || argv[0] === '--help' || argv[0] === 'help' || argv[0] === '-h') {
      await env.stdout(help());
      return argv[0] ? 0 : 2;
    }
    const group = commands.filter((c) => c.name.startsWith(`${argv[0]} `));
    if (group.length) {
      env.stderr(`"${argv[0]}" needs a subcommand: ${group.map((c) => c.name.split(' ')[1]).join(', ')}.\n\n${help()}`);
    } else {
      env.stderr(`Unknown command "${argv[0]}".\n\n${help()}`);
    }
    return 2;
  }
  const rest = argv.slice(cmd.name.split(' ').length);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        ...Object.fromEntries(Object.entries(cmd.options).map(([k, o]) => [k, { type: o.type }])),
        json: { type: 'boolean' },
        project: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: !!cmd.positionals,
      strict: true,
    });
  } catch (e) {
    env.stderr(`${(e as Error).message}\n\n${help(cmd)}`);
    return 2;
  }
  if (parsed.values.help) {
    await env.stdout(help(cmd));
    return 0;
  }
  const json = !!parsed.values.json;
  let database: Database | undefined;
  try {
    database = env.openDb
      ? await env.openDb()
      : await (async () => {
          const cfg = config();
          return openDatabase({ url: cfg.DATABASE_URL, pgliteDir: cfg.PGLITE_DIR, poolMax: 2 });
        })();
    const projectSlug = parsed.values.project as string | undefined;
    const project = projectSlug === undefined ? undefined : await projectBySlug(database.db, projectSlug);
    const io: CommandIo = {
      ctx: makeCtx(database.db, { kind: 'system', label: 'cli' }, { project }),
      database,
      json,
      out: (line) => void env.stdout(line + '\n'),
      write: async (chunk) => {
        await env.stdout(chunk);
      },
      note: (line) => env.stderr(line + '\n'),
      readStdin: env.readStdin,
      result(data, human) {
        if (json) void env.stdout(JSON.stringify(data, null, 2) + '\n');
        else human();
      },
    };
    await cmd.run(io, parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      env.stderr(`${e.message}\n\n${help(cmd)}`);
      return 2;
    }
    env.stderr(describeError(e));
    return 1;
  } finally {
    // The caller's database (tests) stays open; ours is closed (releasing the embedded lock).
    if (database && !env.openDb) await database.close();
  }
}
