/** Project commands: list, create, rename, delete (the installation's sites; owner-level work). */
import { createProject, deleteProject, updateProject } from '../../server/projects/mutations';
import { listProjects } from '../../server/projects/queries';
import type { Project } from '../../db/schema';
import { str, table, usage, type Command } from './types';

const projectJson = (p: Project) => ({ id: p.id, slug: p.slug, name: p.name, origins: p.origins, createdAt: p.createdAt.toISOString() });
const originsOf = (v: string | boolean | undefined) =>
  str(v)
    ?.split(',')
    .map((o) => o.trim())
    .filter(Boolean);

export const projectsList: Command = {
  name: 'projects list',
  summary: 'List the projects (sites) this installation serves',
  usage: 'projects list [--json]',
  options: {},
  async run(io) {
    const list = await listProjects(io.ctx);
    io.result(list.map(projectJson), () => {
      const rows = [['SLUG', 'NAME', 'ORIGINS'], ...list.map((p) => [p.slug, p.name, p.origins.join(', ') || '(none yet)'])];
      for (const line of table(rows)) io.out(line);
    });
  },
};

export const projectsCreate: Command = {
  name: 'projects create',
  summary: 'Create a project: another site with its own topics',
  usage: 'projects create --slug S --name N [--origins https://a.example,https://b.example]',
  options: {
    slug: { type: 'string', description: 'its identifier in URLs and for --project: lowercase letters, digits, hyphens', placeholder: 'slug' },
    name: { type: 'string', description: 'what the team sees', placeholder: 'name' },
    origins: { type: 'string', description: 'the sites that may subscribe visitors to it, comma-separated, or *', placeholder: 'origins' },
  },
  examples: ['npm run cli -- projects create --slug shop --name "Shop" --origins https://shop.example'],
  async run(io, v) {
    if (!str(v.slug)) usage('--slug is required.');
    if (!str(v.name)) usage('--name is required.');
    const p = await createProject(io.ctx, { slug: v.slug, name: v.name, origins: originsOf(v.origins) ?? [] });
    io.result(projectJson(p), () => io.out(`Created project ${p.slug} ("${p.name}", ${p.id}). Use it with --project ${p.slug}.`));
  },
};

export const projectsRename: Command = {
  name: 'projects rename',
  summary: "Change a project's name, slug or origins",
  usage: 'projects rename SLUG [--name N] [--slug NEW] [--origins O,…]',
  options: {
    name: { type: 'string', description: 'the new name', placeholder: 'name' },
    slug: { type: 'string', description: 'the new slug (links with the old one stop working)', placeholder: 'slug' },
    origins: { type: 'string', description: 'the new list of origins, comma-separated, or *', placeholder: 'origins' },
  },
  positionals: true,
  async run(io, v, positionals) {
    if (positionals.length !== 1) usage('Name the project to change: projects rename SLUG.');
    const p = await updateProject(io.ctx, positionals[0]!, { name: str(v.name), slug: str(v.slug), origins: originsOf(v.origins) });
    io.result(projectJson(p), () => io.out(`Project ${p.slug}: "${p.name}", origins ${p.origins.join(', ') || '(none)'}.`));
  },
};

const counted = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export const projectsDelete: Command = {
  name: 'projects delete',
  summary: 'Delete a project and all of its data (not the default one)',
  usage: 'projects delete SLUG --confirm SLUG',
  options: {
    confirm: { type: 'string', description: 'the same slug again: deleting cannot be undone', placeholder: 'slug' },
  },
  positionals: true,
  examples: ['npm run cli -- projects delete shop --confirm shop'],
  async run(io, v, positionals) {
    if (positionals.length !== 1) usage('Name the project to delete: projects delete SLUG --confirm SLUG.');
    const slug = positionals[0]!;
    // Typed twice on purpose, also in scripts: its topics, subscribers, campaigns and keys go with it.
    if (!str(v.confirm)) usage(`Deleting a project removes all of its data. Repeat its slug to confirm: projects delete ${slug} --confirm ${slug}.`);
    const d = await deleteProject(io.ctx, slug, str(v.confirm)!);
    io.result(d, () =>
      io.out(
        `Deleted project ${d.slug} ("${d.name}"): ${counted(d.subscribers, 'subscriber')}, ${counted(d.campaigns, 'campaign')} and ${counted(d.topics, 'topic')} removed.`,
      ),
    );
  },
};
