#!/usr/bin/env node
// `npm start`: the production server, after checking that a build exists.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
  process.stderr.write('No production build found. Run `npm run build` first (or use `npm run dev`).\n');
  process.exit(1);
}
process.argv = process.argv.filter((a) => a !== '--dev');
await import(path.join(root, 'server.mjs'));
