/**
 * The app's own services, as the benchmark driver uses them: loaded only once the run's
 * environment is set (bench/lib/setup.ts imports this module dynamically), so campaigns,
 * keys, topics and users are made exactly as the product makes them.
 */
import type { Db } from '../../db';
import { makeCtx, type Ctx, type ProjectRef } from '../../server/context';
import { getRuntime } from '../../server/runtime';

export { stopRuntime } from '../../server/runtime';
export { generateKeyPair } from '../../lib/push/p256';
export { importVapidKey } from '../../server/vapid/mutations';
export { createTopic } from '../../server/topics/mutations';
export { createProject } from '../../server/projects/mutations';
export { createUser } from '../../server/users/mutations';
export { createCampaign, sendCampaignNow } from '../../server/campaigns/mutations';
export { getDeliverySettings } from '../../server/delivery/settings';
export { deriveKey } from '../../lib/secrets';
export { schema } from '../../db';

/** The driver's runtime: database (migrated by the app) and queue, no worker. */
export function runtime() {
  return getRuntime('cli');
}

/** The command line's context, in the default project unless another is named. */
export function systemCtx(db: Db, project?: ProjectRef): Ctx {
  return makeCtx(db, { kind: 'system', label: 'cli' }, { project });
}
