/**
 * The crypto floor, in its own process: what RFC 8291 encryption alone costs per message with
 * node:crypto — a fresh ephemeral P-256 key, ECDH with the subscriber's key, the HKDF steps
 * (createHmac), AES-128-GCM over a payload of the engine's size. No HTTP, no database, no
 * VAPID (signed once per push service, it is not per-message work). Written out here rather
 * than calling the product's lib/push/ece.ts, so the floor cannot move when the product does.
 *
 * Two variants, interleaved in halves so both see the same machine: `fresh` makes a new ECDH
 * context per message (how perf-anchors.md measured the floor), `reused` keeps one context and
 * asks it for a new key pair per message (how lib/push/ece.ts does it: still a fresh ephemeral
 * key per message, ~10% cheaper). The benchmark's target compares against `reused`, the lower
 * of the two, so the product cannot look good by an optimisation the floor lacks.
 *
 * Prints one JSON line: {"messages", "fresh": {"cpuMs","wallMs"}, "reused": {"cpuMs","wallMs"}}.
 */
import { createCipheriv, createECDH, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

const messages = Number(process.env.BENCH_MESSAGES ?? 20_000);
const pool = (JSON.parse(readFileSync(process.env.BENCH_POOL_FILE!, 'utf8')) as { privateKey: string; auth: string }[]).map((k) => {
  const e = createECDH('prime256v1');
  e.setPrivateKey(Buffer.from(k.privateKey, 'base64url'));
  return { publicKey: e.getPublicKey(), auth: Buffer.from(k.auth, 'base64url') };
});
const plaintext = Buffer.from(
  JSON.stringify({ ...(JSON.parse(process.env.BENCH_CONTENT!) as object), timestamp: Date.now(), ref: randomBytes(48).toString('base64url') }),
);

const hmac = (key: Buffer, ...parts: Buffer[]) => {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
};
const INFO = Buffer.from('WebPush: info\0');
const CEK = Buffer.from('Content-Encoding: aes128gcm\0\x01');
const NONCE = Buffer.from('Content-Encoding: nonce\0\x01');
const ONE = Buffer.from([1]);
const PAD = Buffer.from([2]);

let sink = 0;
const shared = createECDH('prime256v1');
function encryptOne(i: number, reuse: boolean): void {
  const k = pool[i % pool.length]!;
  const e = reuse ? shared : createECDH('prime256v1');
  e.generateKeys();
  const asPublic = e.getPublicKey();
  const secret = e.computeSecret(k.publicKey);
  const salt = randomBytes(16);
  const ikm = hmac(hmac(k.auth, secret), INFO, k.publicKey, asPublic, ONE);
  const prk = hmac(salt, ikm);
  const c = createCipheriv('aes-128-gcm', hmac(prk, CEK).subarray(0, 16), hmac(prk, NONCE).subarray(0, 12));
  const body = Buffer.concat([c.update(plaintext), c.update(PAD), c.final(), c.getAuthTag()]);
  sink += body.length;
}

const warm = Date.now() + 400;
for (let i = 0; Date.now() < warm; i++) encryptOne(i, i % 2 === 0);
const total = { fresh: { cpuMs: 0, wallMs: 0 }, reused: { cpuMs: 0, wallMs: 0 } };
const half = Math.ceil(messages / 2);
for (const [variant, reuse] of [
  ['fresh', false],
  ['reused', true],
  ['reused', true],
  ['fresh', false],
] as const) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < half; i++) encryptOne(i, reuse);
  const cpu = process.cpuUsage(cpu0);
  total[variant].cpuMs += (cpu.user + cpu.system) / 1000;
  total[variant].wallMs += performance.now() - t0;
}
process.stdout.write(`${JSON.stringify({ messages: 2 * half, ...total, bytes: sink })}\n`);
