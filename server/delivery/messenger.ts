/**
 * What the engine sends through. `PushSender` (lib/push/sender.ts) is the one over real HTTPS;
 * the engine needs nothing else of it, so another transport (HTTP/2, a test double for the
 * pipeline) only has to keep this contract.
 */
import type { PushMessage, PushTarget, SendResult } from '../../lib/push/sender';
import type { VapidSigner } from '../../lib/push/vapid';

export interface Messenger {
  send(target: PushTarget, message: PushMessage, signer: VapidSigner): Promise<SendResult>;
}
