/** Subscriptions a stand-in PushManager hands out: real P-256 keys, FCM-shaped endpoints (no service behind them). */
import { createECDH, randomBytes } from 'node:crypto';

export function subscriptionPool(n: number): { endpoint: string; p256dh: string; auth: string }[] {
  return Array.from({ length: n }, () => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    return {
      endpoint: `https://fcm.googleapis.com/fcm/send/e2e-${randomBytes(12).toString('base64url')}`,
      p256dh: ecdh.getPublicKey().toString('base64url'),
      auth: randomBytes(16).toString('base64url'),
    };
  });
}
