/** Topic commands: create, list, delete (by slug). */
import { createTopic, deleteTopic } from '../../server/topics/mutations';
import { listTopics } from '../../server/topics/queries';
import { fail, str, table, usage, type Command } from './types';

const topicJson = (t: { id: string; slug: string; name: string; description: string; isPublic: boolean; createdAt: Date }, activeSubscribers?: number) => ({
  id: t.id,
  slug: t.slug,
  name: t.name,
  description: t.description,
  isPublic: t.isPublic,
  ...(activeSubscribers === undefined ? {} : { activeSubscribers }),
  createdAt: t.createdAt.toISOString(),
});

export const createTopicCommand: Command = {
  name: 'create-topic',
  summary: 'Create a topic visitors can subscribe to (or a private one)',
  usage: 'create-topic --slug S --name N [--description D] [--private]',
  options: {
    slug: { type: 'string', description: 'its identifier in the API and URLs: lowercase letters, digits, hyphens', placeholder: 'slug' },
    name: { type: 'string', description: 'what visitors see', placeholder: 'name' },
    description: { type: 'string', description: 'one line under the name on the subscribe page', placeholder: 'text' },
    private: { type: 'boolean', description: 'not on the subscribe page; assigned by programs (signed tokens) and imports' },
  },
  examples: ['npm run cli -- create-topic --slug news --name "News" --description "The day\'s headlines"'],
  async run(io, v) {
    if (!str(v.slug)) usage('--slug is required.');
    if (!str(v.name)) usage('--name is required.');
    const t = await createTopic(io.ctx, { slug: v.slug, name: v.name, description: str(v.description) ?? '', isPublic: !v.private });
    io.result(topicJson(t), () => io.out(`Created ${t.isPublic ? 'public' : 'private'} topic ${t.slug} ("${t.name}", ${t.id}).`));
  },
};

export const listTopicsCommand: Command = {
  name: 'list-topics',
  summary: 'List topics with their active subscribers',
  usage: 'list-topics [--json]',
  options: {},
  async run(io) {
    const list = await listTopics(io.ctx);
    io.result(
      list.map((t) => topicJson(t, t.activeSubscribers)),
      () => {
        if (list.length === 0) return io.out('No topics yet. Create one with: npm run cli -- create-topic --slug news --name "News"');
        const rows = [
          ['SLUG', 'NAME', 'VISIBILITY', 'ACTIVE'],
          ...list.map((t) => [t.slug, t.name, t.isPublic ? 'public' : 'private', String(t.activeSubscribers)]),
        ];
        for (const line of table(rows)) io.out(line);
      },
    );
  },
};

export const deleteTopicCommand: Command = {
  name: 'delete-topic',
  summary: 'Delete a topic (its subscribers stay subscribed to their other topics)',
  usage: 'delete-topic SLUG',
  options: {},
  positionals: true,
  async run(io, _v, args) {
    if (args.length !== 1) usage('Name one topic by its slug.');
    const slug = args[0]!.trim().toLowerCase();
    const topic = (await listTopics(io.ctx)).find((t) => t.slug === slug);
    if (!topic) fail(`There is no topic "${slug}". See: npm run cli -- list-topics`);
    await deleteTopic(io.ctx, { id: topic.id });
    io.result({ deleted: topicJson(topic, topic.activeSubscribers) }, () =>
      io.out(`Deleted topic ${topic.slug}; ${topic.activeSubscribers} active subscriber${topic.activeSubscribers === 1 ? ' was' : 's were'} in it.`),
    );
  },
};
