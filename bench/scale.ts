/**
 * Benchmark 2: a campaign to every one of `scaleN` subscribers (1,000,000 by default), with a
 * fresh worker process and the production server running (the campaign page polls progress
 * through it every two seconds, as an open dashboard does). Reports the peak RSS of both
 * processes and how the time grew against the fan-out benchmark's campaign of `n`.
 */
import { runCampaign, startWorker, warmUp, type CampaignRun } from './fanout';
import type { AppServer } from './lib/app-server';
import { fmt, type Row } from './lib/report';
import type { Bench } from './lib/setup';

export interface ScaleResult {
  run: CampaignRun;
  workerPeakRssMiB: number;
  appPeakRssMiB: number;
  rows: Row[];
}

export async function scaleBench(
  b: Bench,
  app: AppServer,
  o: { n: number; scaleN: number; small: CampaignRun; log: (s: string) => void },
): Promise<ScaleResult> {
  const worker = await startWorker(b);
  let run: CampaignRun;
  let workerPeakRssMiB: number;
  let polls = 0;
  let pollErrors = 0;
  let lastPoll = 0;
  try {
    await warmUp(b, worker, o.log);
    o.log(`scale: ${fmt.int(o.scaleN)} subscribers`);
    run = await runCampaign(b, worker, {
      name: `scale ${fmt.int(o.scaleN)}`,
      target: { audience: 'all' },
      expected: o.scaleN,
      log: o.log,
      timeoutMs: 4 * 3_600_000,
      onTick: async (id) => {
        if (Date.now() - lastPoll < 2000) return;
        lastPoll = Date.now();
        polls++;
        const res = await fetch(`${app.origin}/api/admin/campaigns/${id}/progress`, { headers: { cookie: app.cookie } });
        await res.text();
        if (res.status !== 200) pollErrors++;
      },
    });
    workerPeakRssMiB = worker.peakRssMiB();
  } finally {
    await worker.stop();
  }
  if (pollErrors) throw new Error(`scale: ${pollErrors} of ${polls} progress polls failed`);
  const appPeakRssMiB = app.child.peakRssMiB();
  const growth = run.wallMs / o.small.wallMs;
  const sizeRatio = o.scaleN / o.n;
  const bench = `2. scale, ${fmt.int(o.scaleN)} subscribers`;
  const rows: Row[] = [
    {
      bench,
      figure: `time growth t(${fmt.int(o.scaleN)}) ÷ t(${fmt.int(o.n)})`,
      value: `${(run.wallMs / 1000).toFixed(0)} s (${fmt.int((run.messages / run.wallMs) * 1000)} msgs/s)`,
      baseline: `${(o.small.wallMs / 1000).toFixed(1)} s for ${fmt.int(o.n)}`,
      ratio: fmt.x(growth),
      target: `≤ ${(1.1 * sizeRatio).toFixed(1)}× (size ${fmt.n(sizeRatio, 0)}×)`,
      ok: growth <= 1.1 * sizeRatio,
    },
    { bench, figure: 'worker peak RSS', value: fmt.mib(workerPeakRssMiB), target: '< 300 MB', ok: workerPeakRssMiB * 1.048576 < 300 },
    {
      bench,
      figure: `app (production server) peak RSS, ${polls} progress polls during the campaign`,
      value: fmt.mib(appPeakRssMiB),
      target: '< 300 MB',
      ok: appPeakRssMiB * 1.048576 < 300,
    },
    {
      bench,
      figure: 'worker CPU per message; database CPU share',
      value: `${fmt.ms(run.workerCpuMs / run.messages)}/msg; ${fmt.pct(run.pgCpuMs / (run.pgCpuMs + run.workerCpuMs))}`,
      baseline: `${fmt.ms(o.small.workerCpuMs / o.small.messages)}/msg at ${fmt.int(o.n)}`,
      ratio: fmt.x(run.workerCpuMs / run.messages / (o.small.workerCpuMs / o.small.messages)),
    },
    { bench, figure: 'sink: delivered exactly once, none refused', value: `${fmt.int(run.sink.accepted)} accepted, 0 missed, 0 duplicates` },
  ];
  return { run, workerPeakRssMiB, appPeakRssMiB, rows };
}
