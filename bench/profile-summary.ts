/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. `npm run bench -- --profile DIR`):
 * self time by function and by where the code lives (node internals, a package, the app), so a
 * profile can be read in a terminal and quoted in a note.
 *
 *   node --import tsx bench/profile-summary.ts DIR/CPU.*.cpuprofile [--top 30]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '30' }, from: { type: 'string', default: '0' }, to: { type: 'string', default: '1e9' } },
  allowPositionals: true,
});
const top = Number(values.top);
/** Only samples between these many seconds after the profile started (e.g. skip start-up). */
const fromUs = Number(values.from) * 1e6;
const toUs = Number(values.to) * 1e6;

function where(url: string): string {
  if (!url) return '(native / VM)';
  if (url.startsWith('node:'))
    return url
      .replace(/^node:(internal\/)?/, 'node:')
      .split('/')
      .slice(0, 2)
      .join('/');
  const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  const app = /\/(app|server|lib|db|bench)\/.*$/.exec(url);
  return app ? app[0].slice(1) : url;
}

for (const file of positionals) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const timeline = new Map<number, { busy: number; all: number }>();
  let at = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    at += dt;
    const sec = Math.floor(at / 5e6) * 5;
    const t = timeline.get(sec) ?? { busy: 0, all: 0 };
    t.all += dt;
    if (!['(idle)', '(program)'].includes(byId.get(id)!.callFrame.functionName)) t.busy += dt;
    timeline.set(sec, t);
    if (at >= fromUs && at <= toUs) self.set(id, (self.get(id) ?? 0) + dt);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self.entries()].filter(([id]) => ['(idle)', '(program)'].includes(byId.get(id)!.callFrame.functionName)).reduce((a, [, v]) => a + v, 0);
  const busy = total - idle;
  const fns = new Map<string, number>();
  const places = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)' || f.functionName === '(program)') continue;
    const key = `${f.functionName || '(anonymous)'} ${where(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    places.set(where(f.url), (places.get(where(f.url)) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)} %`;
  console.log(
    `\n${file}\n  ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (idle and "(program)" left out; percentages are of busy time)\n`,
  );
  console.log(`  busy share per 5 s: ${[...timeline].map(([sec, t]) => `${sec}s ${Math.round((t.busy / t.all) * 100)}%`).join(', ')}\n`);
  console.log('  by place:');
  for (const [k, v] of [...places].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(v)}  ${k}`);
  console.log(`\n  top ${top} functions (self time):`);
  for (const [k, v] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v)}  ${k}`);
}
