/**
 * Shared by the reliability tests (crash, push-service faults, database outage, load): the
 * fast/soak switch, a seeded random source, polling, and the figures each run reports.
 *
 * `npm test` runs the fast sizes; `npm run soak` sets PUSHDECK_SOAK=1 for the long ones. Every
 * run appends its figures as one JSON line to .tmp/reliability/<name>.jsonl (and prints them),
 * which is where the README's "Reliability and security" numbers come from.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const SOAK = process.env.PUSHDECK_SOAK === '1';

/** Fast value in `npm test`, soak value in `npm run soak`. */
export const sized = <T>(fast: T, soak: T): T => (SOAK ? soak : fast);

/** mulberry32: a small seeded PRNG, so a failing fault mix can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from RELIABILITY_SEED, or a fresh one (always reported, so a failure can be replayed). */
export function runSeed(): number {
  const given = Number(process.env.RELIABILITY_SEED);
  return Number.isInteger(given) && given > 0 ? given : Math.floor(Math.random() * 2 ** 31) + 1;
}

/** Polls `check` every `everyMs` until it holds; fails with `what` after `ms` (a hang guard, not a speed limit). */
export async function until(check: () => Promise<boolean> | boolean, what: string, ms = 300_000, everyMs = 100): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Prints a run's figures and appends them to .tmp/reliability/<name>.jsonl. */
export function report(name: string, figures: Record<string, unknown>): void {
  const dir = path.resolve(import.meta.dirname, '../../.tmp/reliability');
  mkdirSync(dir, { recursive: true });
  const line = { name, at: new Date().toISOString(), engine: process.env.TEST_DB ?? null, soak: SOAK, ...figures };
  appendFileSync(path.join(dir, `${name}.jsonl`), `${JSON.stringify(line)}\n`);
  console.info(`${name}: ${JSON.stringify(figures)}`);
}
