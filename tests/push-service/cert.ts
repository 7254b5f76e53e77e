/**
 * Test-only TLS material for the push-service test server: one self-signed P-256 certificate
 * for 127.0.0.1/localhost, made once with the openssl CLI and shared by every process (vitest
 * workers, a server started from main.ts, its clients) through files under .tmp/.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface TestCert {
  certPath: string;
  keyPath: string;
  /** PEM of the certificate; also what a client passes as its only CA. */
  cert: string;
  /** PEM of the private key. */
  key: string;
}

const repoRoot = resolve(import.meta.dirname, '../..');
export const DEFAULT_CERT_DIR = join(repoRoot, '.tmp/push-service');

/** How long a process that lost the race waits for the winner to finish writing. */
const WAIT_FOR_OTHER_WRITER_MS = 15_000;

export function ensureTestCert(dir: string = DEFAULT_CERT_DIR): TestCert {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  // key.pem is always in place before cert.pem appears (see below), so cert.pem means "done".
  if (!existsSync(certPath)) generate(dir, certPath, keyPath);
  const cert = readFileSync(certPath, 'utf8');
  const key = readFileSync(keyPath, 'utf8');
  if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) {
    throw new Error(`${certPath} does not match ${keyPath}; delete ${dir} and try again`);
  }
  return { certPath, keyPath, cert, key };
}

function generate(dir: string, certPath: string, keyPath: string): void {
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(join(dir, '.gen-'));
  try {
    const tmpKey = join(work, 'key.pem');
    const tmpCert = join(work, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        tmpKey,
        '-out',
        tmpCert,
        '-days',
        '3650',
        '-subj',
        '/CN=pushdeck-push-test',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    // Two processes may generate at once. link() fails if key.pem exists, so exactly one of them
    // claims key.pem and then publishes its matching cert.pem; the others throw theirs away and
    // wait. Renaming both files independently could leave one process's key next to another's cert.
    try {
      linkSync(tmpKey, keyPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      waitFor(certPath, dir);
      return;
    }
    renameSync(tmpCert, certPath);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function waitFor(path: string, dir: string): void {
  const deadline = Date.now() + WAIT_FOR_OTHER_WRITER_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(path)) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for another process to write ${path}; delete ${dir} and try again`);
    }
    // ensureTestCert is synchronous (callers use it at module level), so sleep without a timer.
    Atomics.wait(pause, 0, 0, 25);
  }
}

/**
 * A CA bundle for NODE_EXTRA_CA_CERTS that trusts the test certificate in addition to whatever
 * the environment already trusted through NODE_EXTRA_CA_CERTS (some machines set it globally).
 * Processes read the variable once at start, so set it before spawning them.
 */
export function testTrustBundle(dir: string = DEFAULT_CERT_DIR): string {
  const { cert } = ensureTestCert(dir);
  const bundlePath = join(dir, 'ca-bundle.pem');
  const inherited = process.env.NODE_EXTRA_CA_CERTS;
  let extra = '';
  if (inherited && resolve(inherited) !== bundlePath) {
    try {
      extra = readFileSync(inherited, 'utf8');
    } catch {
      /* unreadable: nothing to carry over */
    }
  }
  const content = `${extra.trimEnd()}\n${cert}`.trimStart();
  const current = existsSync(bundlePath) ? readFileSync(bundlePath, 'utf8') : null;
  if (current !== content) {
    const tmp = `${bundlePath}.${process.pid}.tmp`;
    writeFileSync(tmp, content);
    renameSync(tmp, bundlePath);
  }
  return bundlePath;
}
