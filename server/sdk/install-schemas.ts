/**
 * What the Install page sends: the prompt settings (as a form: strings turned into the numbers
 * and booleans lib/sdk/prompt-settings.ts expects, so its messages name the wrong field), the
 * allowed origins and the installation check's URL. Pure: shared by the actions and the tests.
 */
import { z } from 'zod';
import { originSchema } from '../projects/schemas';

/** Who may change a project's installation (origins, prompt): its admins, like its API keys. */
export const INSTALL_EDIT = 'api-keys.manage' as const;
/** Who may read the Install page and run the check: anyone in the project. */
export const INSTALL_READ = 'dashboard.read' as const;

/** A number field as typed: a number when it reads as one, else the text (the schema says why). */
const numeric = (v: string | undefined) => (v !== undefined && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v);

/** Form fields → the shape `promptSettingsSchema` parses; a checkbox is on when it sends "on". */
export function promptSettingsFromForm(f: Record<string, string | undefined>): Record<string, unknown> {
  return {
    style: f.style,
    delaySeconds: numeric(f.delaySeconds),
    pageViews: numeric(f.pageViews),
    reaskDays: numeric(f.reaskDays),
    topicChoice: f.topicChoice === 'on' || f.topicChoice === 'true',
    headline: f.headline,
    body: f.body,
    acceptLabel: f.acceptLabel,
    laterLabel: f.laterLabel,
  };
}

export const siteOriginsSchema = z.object({
  origins: z
    .array(originSchema)
    .max(20, 'At most 20 origins.')
    .transform((list) => [...new Set(list)]),
});

/** The origins field: one per line or comma-separated, as people paste them. */
export const originsOf = (v: string | undefined) => (v ?? '').split(/[\s,]+/).filter(Boolean);

export const installCheckSchema = z.object({
  url: z
    .string({ error: 'Enter the address of your site, like https://shop.example.' })
    .trim()
    .min(1, 'Enter the address of your site, like https://shop.example.')
    .max(2000, 'The address may be at most 2000 characters.')
    .transform((v, c) => {
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        c.addIssue({ code: 'custom', message: `"${v}" is not a web address; write it like https://shop.example.` });
        return z.NEVER;
      }
      if (u.protocol !== 'https:' && u.protocol !== 'http:') {
        c.addIssue({ code: 'custom', message: 'Only http and https addresses can be checked.' });
        return z.NEVER;
      }
      if (u.username || u.password) {
        c.addIssue({ code: 'custom', message: 'The address may not carry a user name or password.' });
        return z.NEVER;
      }
      u.hash = '';
      return u;
    }),
});
