/** What a browser's PushManager hands a site: a push-service endpoint and its keys (real P-256, no service behind it). */
import { createECDH, randomBytes } from 'node:crypto';

export function fakeBrowserSubscription(host = 'fcm.googleapis.com') {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint: `https://${host}/fcm/send/${randomBytes(12).toString('hex')}`,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
  };
}
