/** Worker-thread entry: descriptors of a list of (perturbed) crops per task, for the explainer's pool. */
import type { RgbImage } from '../../image/index.js';
import { computeDescriptors, type DescriptorId } from '../../features/index.js';
import { serveTasks } from '../../runtime/index.js';

serveTasks(async (task: { set: DescriptorId; images: RgbImage[] }) => {
  const out: Float32Array[] = [];
  // One crop per network call: on the WASM backend a batch is no faster per crop than a single one.
  for (const image of task.images) out.push(...(await computeDescriptors(task.set, [image])));
  return out;
});
