/**
 * `npm run cli -- <command> [options]`: administration from a shell, against the same database
 * the app uses. With the embedded database this refuses, clearly, while the app holds it.
 * The commands and the dispatcher live in scripts/cli/.
 *
 * Exit codes: 0 success, 1 failure, 2 usage error.
 */
import { runCli } from './cli/main';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

runCli(process.argv.slice(2), {
  // Resolves once the chunk is handed to the OS: large exports respect back-pressure.
  stdout: (chunk) => new Promise<void>((resolve, reject) => process.stdout.write(chunk, (e) => (e ? reject(e) : resolve()))),
  stderr: (chunk) => void process.stderr.write(chunk),
  readStdin,
}).then(
  // Exit at once: nothing of ours is left running (stdout and stderr writes are synchronous on
  // Linux for files, pipes and terminals), and a library's stray timer must not hold a script up.
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`Unexpected error: ${(e as Error)?.stack ?? e}\n`);
    process.exit(1);
  },
);
