/**
 * The per-delivery receipt reference carried in each push payload: campaign id, subscription id
 * and a MAC over both under a server-derived key, base64url (64 characters). The service worker
 * sends it back with "shown", "clicked" and "closed"; it cannot be forged, and it cannot be
 * replayed for another delivery (the MAC covers both ids).
 */
import 'server-only';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../../lib/secrets';

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidString = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

let key: Buffer | undefined;
function mac(ids: Buffer): Buffer {
  key ??= deriveKey('receipts');
  return createHmac('sha256', key).update(ids).digest().subarray(0, 16);
}

export function makeRef(campaignId: string, subscriptionId: string): string {
  const ids = Buffer.concat([uuidBytes(campaignId), uuidBytes(subscriptionId)]);
  return Buffer.concat([ids, mac(ids)]).toString('base64url');
}

export function parseRef(ref: unknown): { campaignId: string; subscriptionId: string } | null {
  if (typeof ref !== 'string' || !/^[A-Za-z0-9_-]{64}$/.test(ref)) return null;
  const raw = Buffer.from(ref, 'base64url');
  if (raw.length !== 48) return null;
  const ids = raw.subarray(0, 32);
  if (!timingSafeEqual(raw.subarray(32), mac(ids))) return null;
  return { campaignId: uuidString(ids.subarray(0, 16)), subscriptionId: uuidString(ids.subarray(16, 32)) };
}
