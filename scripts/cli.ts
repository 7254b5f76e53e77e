/**
 * `npm run cli -- <command> [options]`: administration from a shell, against the same database
 * the app uses. With the embedded database this refuses, clearly, while the app holds it.
 *
 * Exit codes: 0 success, 1 failure, 2 usage error.
 */
import { parseArgs } from 'node:util';
import { openDatabase, DatabaseLockedError } from '../db';
import { config, ConfigError } from '../lib/env';
import { isAppError } from '../lib/errors';
import { makeCtx } from '../server/context';
import { commands } from './cli/commands';
import { UsageError, type Command, type CommandIo } from './cli/types';

function help(cmd?: Command): string {
  if (cmd) {
    const opts = Object.entries(cmd.options)
      .map(([k, o]) => `  --${k}${o.type === 'string' ? ' <value>' : ''}`)
      .join('\n');
    return `${cmd.summary}\n\nUsage: npm run cli -- ${cmd.usage}\n${opts ? `\nOptions:\n${opts}\n` : ''}  --json      machine-readable output\n  --help      this help\n`;
  }
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Pushdeck command line\n\nUsage: npm run cli -- <command> [options]\n\nCommands:\n${commands
    .map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
    .join('\n')}\n\nRun \`npm run cli -- <command> --help\` for a command's options.\n`;
}

async function main(argv: string[]): Promise<number> {
  // Two-word commands ("vapid list") are matched before one-word ones.
  const two = argv.slice(0, 2).join(' ');
  const cmd = commands.find((c) => c.name === two) ?? commands.find((c) => c.name === argv[0]);
  if (!cmd) {
    if (!argv[0] || argv[0] === '--help' || argv[0] === 'help' || argv[0] === '-h') {
      process.stdout.write(help());
      return argv[0] ? 0 : 2;
    }
    process.stderr.write(`Unknown command "${argv[0]}".\n\n${help()}`);
    return 2;
  }
  const rest = argv.slice(cmd.name.split(' ').length);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...cmd.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: !!cmd.positionals,
      strict: true,
    });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${help(cmd)}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(help(cmd));
    return 0;
  }
  const json = !!parsed.values.json;
  const cfg = config();
  const database = await openDatabase({ url: cfg.DATABASE_URL, pgliteDir: cfg.PGLITE_DIR, poolMax: 2 });
  try {
    const io: CommandIo = {
      ctx: makeCtx(database.db, { kind: 'system', label: 'cli' }),
      database,
      json,
      out: (line) => process.stdout.write(line + '\n'),
      result(data, human) {
        if (json) process.stdout.write(JSON.stringify(data, null, 2) + '\n');
        else human();
      },
    };
    await cmd.run(io, parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n\n${help(cmd)}`);
      return 2;
    }
    throw e;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    if (e instanceof ConfigError || e instanceof DatabaseLockedError) {
      process.stderr.write(`${e.message}\n`);
    } else if (isAppError(e)) {
      const fields = e.fieldErrors ? Object.entries(e.fieldErrors).map(([k, v]) => `\n  --${k || 'input'}: ${v.join(' ')}`).join('') : '';
      process.stderr.write(`Error: ${e.message}${fields}\n`);
    } else {
      process.stderr.write(`Unexpected error: ${(e as Error)?.stack ?? e}\n`);
    }
    process.exit(1);
  },
);
