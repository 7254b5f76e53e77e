/**
 * Server actions over plain HTTP, as React's client sends them: discovered from the source
 * ('use server' modules) and the build's server-reference manifest, posted with the `Next-Action`
 * header to a page that carries them. Used by the security specs to call every action as any
 * caller, with any input.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIRequestContext, APIResponse } from '@playwright/test';
import { adminPath } from '../../lib/http/project-path';
import { baseURL } from '../../playwright.config';

const root = path.resolve(import.meta.dirname, '../..');
const appDir = path.join(root, 'app');
const walk = (dir: string): string[] => (readdirSync(dir, { recursive: true }) as string[]).map((f) => path.join(dir, f));

export interface ActionInfo {
  id: string;
  name: string;
  /** A page path that carries the action (where the browser would post it). */
  page: string;
  /** `(prevState, formData)` actions take a form; the others one JSON argument. */
  form: boolean;
}

export function discoverActions(): ActionInfo[] {
  const manifest = JSON.parse(readFileSync(path.join(root, '.next/server/server-reference-manifest.json'), 'utf8')) as {
    node: Record<string, { workers: Record<string, unknown>; filename: string; exportedName: string }>;
  };
  const built = new Map(Object.entries(manifest.node).map(([id, a]) => [`${a.filename}#${a.exportedName}`, { id, workers: Object.keys(a.workers) }]));
  const out: ActionInfo[] = [];
  for (const file of walk(appDir).filter((f) => /\.tsx?$/.test(f))) {
    const src = readFileSync(file, 'utf8');
    if (!/^\s*['"]use server['"]/.test(src)) continue;
    for (const m of src.matchAll(/export\s+async\s+function\s+(\w+)\s*\(([^)]*)/g)) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      const b = built.get(`${rel}#${m[1]}`);
      if (!b) throw new Error(`${rel} exports ${m[1]}, which the build does not know: run next build`);
      const worker = b.workers.find((w) => !w.includes('[')) ?? b.workers[0]!;
      const page = `/${worker
        .replace(/^app\//, '')
        .replace(/\/page$/, '')
        .split('/')
        .filter((s) => !/^\(.*\)$/.test(s))
        .join('/')}`.replace(/\[[^\]]+\]/g, '0190f0f0-0000-7000-8000-000000000000');
      out.push({ id: b.id, name: m[1]!, page: page === '/page' ? '/' : page, form: /^_?prev/.test(m[2]!.trim()) });
    }
  }
  return out;
}

/** Values that fail validation in every form action, so an allowed call changes nothing. */
export const INVALID_FORM: Record<string, string> = {
  id: 'not-a-uuid',
  userId: 'not-a-uuid',
  name: 'x'.repeat(500),
  slug: 'NOT A SLUG!',
  email: 'not-an-email',
  password: 'x',
  confirm: 'y',
  current: '',
  role: 'emperor',
  scopes: 'nope',
  subject: 'not-a-contact',
  privateKey: '',
  publicKey: 'nope',
  concurrency: 'abc',
  batchSize: 'abc',
  expiresAt: 'nope',
};
export const INVALID_ARG: Record<string, unknown> = {
  saveCampaignAction: { campaign: {} },
  saveAndSendCampaignAction: { campaign: {}, when: { mode: 'now' } },
  countAudienceAction: { audience: 'nope' },
  sendTestAction: {},
  findTestSubscribersAction: 'no-such-subscriber',
};

/** Posts a server action the way React does (encodeReply): a form as multipart, anything else as JSON text. */
export async function callAction(
  ctx: APIRequestContext,
  a: ActionInfo,
  input?: { form?: Record<string, string>; arg?: unknown; origin?: string; project?: string },
): Promise<{ status: number; text: string; location: string }> {
  const headers = { 'next-action': a.id, accept: 'text/x-component', origin: input?.origin ?? baseURL };
  // In another project: the same page under /admin/p/<slug>/… (only dashboard pages carry a project).
  const page = input?.project && a.page.startsWith('/admin') ? adminPath(input.project, a.page.replace(/^\/admin/, '')) : a.page;
  let res: APIResponse;
  if (a.form) {
    const form = input?.form ?? INVALID_FORM;
    // The root ("0") goes last, as React sends it: the server resolves "$K1" when the root arrives.
    const multipart = new FormData();
    for (const [k, v] of Object.entries(form)) multipart.append(`_1_${k}`, v);
    multipart.append('0', JSON.stringify([null, '$K1']));
    res = await ctx.post(page, { headers, multipart, maxRedirects: 0 });
  } else {
    const arg = input && 'arg' in input ? input.arg : (INVALID_ARG[a.name] ?? 'not-a-uuid');
    res = await ctx.post(page, { headers: { ...headers, 'content-type': 'text/plain;charset=UTF-8' }, data: JSON.stringify([arg]), maxRedirects: 0 });
  }
  return { status: res.status(), text: await res.text(), location: res.headers().location ?? '' };
}
/** Refused by the action itself, or sent to sign-in before it ran (proxy.ts, for /admin pages). */
export const deniedAction = (r: { status: number; text: string; location: string }) =>
  /"ok":false,"error":\{"code":"(unauthorized|forbidden)"/.test(r.text) || (r.status >= 300 && r.status < 400 && r.location.includes('/login'));
export const errorCode = (text: string) => /"ok":false,"error":\{"code":"(\w+)"/.exec(text)?.[1] ?? null;
