/** `endoface detect`: runs the detect job and prints the quality counts and the photos not processed. */
import { runDetect } from '../jobs/index.js';
import { jobContext } from './context.js';
import { createProgress } from './progress.js';

export interface DetectFlags {
  out?: string;
  json: boolean;
  size: number;
  workers: number;
}

/** Exit 0 when at least one photo was processed, 1 otherwise. */
export async function detectCommand(inputs: string[], flags: DetectFlags): Promise<number> {
  const progress = createProgress('detect');
  const result = await runDetect(
    {
      inputs,
      out: flags.out,
      workers: flags.workers,
      // Quality is judged on a 224-px crop whatever the size.
      config: { align: { size: flags.size } },
    },
    jobContext(progress),
  );
  progress.done();
  if (flags.json) {
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
    console.log(`${result.total} photos: ${pass} pass, ${warn} warn, ${reject} reject, ${error} unreadable`);
    if (result.summaryPath) console.log(`summary: ${result.summaryPath}`);
    if (result.problems.length > 0) {
      console.log('\nnot processed or rejected:');
      for (const p of result.problems) console.log(`  ${p.file}  ${p.code}: ${p.message}`);
    }
  }
  const processed = result.counts.pass + result.counts.warn + result.counts.reject;
  return processed > 0 ? 0 : 1;
}
