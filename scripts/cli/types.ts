import type { Database } from '../../db';
import type { Ctx } from '../../server/context';

export interface CommandIo {
  ctx: Ctx;
  database: Database;
  json: boolean;
  /** A line on stdout. */
  out(line: string): void;
  /** Raw text on stdout (streamed exports). */
  write(chunk: string | Uint8Array): Promise<void>;
  /** A line on stderr: notes for the person, kept out of what scripts capture. */
  note(line: string): void;
  /** Everything on stdin (passwords and private keys, kept off the command line). */
  readStdin(): Promise<string>;
  /** Data for scripts: printed as JSON with --json, else via `human`. */
  result(data: unknown, human: () => void): void;
}

export interface CliOption {
  type: 'string' | 'boolean';
  /** One line for --help, e.g. "the topic's slug (lowercase letters, digits, hyphens)". */
  description: string;
  /** Shown in --help instead of <value>. */
  placeholder?: string;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, CliOption>;
  /** Positional arguments allowed. */
  positionals?: boolean;
  /** Examples shown under --help. */
  examples?: string[];
  run(io: CommandIo, values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<void>;
}

/** Wrong or missing arguments: exit code 2, with the command's help. */
export class UsageError extends Error {}

/** A well-understood failure (unknown topic, no such key): exit code 1, the message alone. */
export class CliError extends Error {}

export function usage(message: string): never {
  throw new UsageError(message);
}

export function fail(message: string): never {
  throw new CliError(message);
}

/** The string value of an option, trimmed; undefined when absent or empty. */
export function str(v: string | boolean | undefined): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** Columns padded to their widest cell, for human-readable listings. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}
