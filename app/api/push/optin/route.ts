import { publicOptions, publicRoute } from '@/server/http';
import { recordOptinEvent } from '@/server/optin/optin';
import { OPTIN_BODY_BYTES } from '@/server/optin/schemas';

export const dynamic = 'force-dynamic';

/** POST `{"event","style"}`: one step of the opt-in funnel, counted for today (UTC). 204. */
export const POST = publicRoute(
  'POST /api/push/optin',
  async ({ ctx, body }) => {
    await recordOptinEvent(ctx, body);
    return new Response(null, { status: 204 });
  },
  { body: OPTIN_BODY_BYTES },
);

export const OPTIONS = publicOptions();
