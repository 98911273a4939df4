import { basename } from 'node:path';
import { runDetect } from '../jobs/detect.js';
import { createProgress } from './progress.js';

export interface DetectCliOptions {
  out?: string;
  json?: boolean;
  size?: string;
  workers?: string;
}

/** `endoface detect <files or folders…>`: exit 0 when at least one photo was processed, 1 otherwise. */
export async function detectCommand(inputs: string[], opts: DetectCliOptions): Promise<number> {
  const progress = createProgress('detect');
  const result = await runDetect({
    inputs,
    outDir: opts.out,
    workers: opts.workers ? Number(opts.workers) : 0,
    // commands.ts bounds --size (64–1024); quality is judged on a 224-px crop whatever it is.
    config: opts.size !== undefined ? { align: { size: Number(opts.size) } } : {},
    onProgress: (done, total, o) => progress.update(done, total, basename(o.file)),
  });
  progress.done();
  if (result.earlierRun) console.error(`note: ${result.earlierRun}`);
  for (const note of result.notes) console.error(`note: ${note}`);

  if (opts.json) {
    const { outcomes, ...rest } = result;
    console.log(
      JSON.stringify(
        { ...rest, files: outcomes.map((o) => (o.ok ? { file: o.file, quality: o.analysis.quality } : o)) },
        null,
        2,
      ),
    );
  } else {
    const { pass, warn, reject, error } = result.counts;
    const notFound = result.notFound > 0 ? ` (${result.notFound} not found)` : '';
    console.log(
      `${result.total} photos: ${pass} pass, ${warn} warn, ${reject} reject, ${error} unreadable${notFound}`,
    );
    if (result.summaryPath) console.log(`summary: ${result.summaryPath}`);
    if (result.problems.length > 0) {
      console.log('\nnot processed or rejected:');
      for (const p of result.problems) console.log(`  ${p.file}  ${p.code}: ${p.message}`);
    }
  }
  const processed = result.counts.pass + result.counts.warn + result.counts.reject;
  return processed > 0 ? 0 : 1;
}
