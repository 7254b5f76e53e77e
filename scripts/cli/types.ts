import type { ParseArgsConfig } from 'node:util';
import type { Database } from '../../db';
import type { Ctx } from '../../server/context';

export interface CommandIo {
  ctx: Ctx;
  database: Database;
  json: boolean;
  out(line: string): void;
  /** Data for scripts: printed as JSON with --json, else via `human`. */
  result(data: unknown, human: () => void): void;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Positional arguments allowed. */
  positionals?: boolean;
  run(io: CommandIo, values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<void>;
}
export class UsageError extends Error {}

export function usage(message: string): never {
  throw new UsageError(message);
}
