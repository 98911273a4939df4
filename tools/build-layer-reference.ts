/**
 * Builds the mean feature map feature occlusion moves a region to when no normal photos are given
 * (assets/layer-reference.json): for each network with an occlusion layer, the mean map of the
 * aligned crops of the 140 studio faces (webmorph-3dsk + webmorph-canada, CC BY 4.0; the faces of
 * the mean face and the canonical mesh). Photos that fail quality are left out.
 * Usage: npx tsx tools/build-layer-reference.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OCCLUDABLE_DESCRIPTORS } from '../src/explain/engine/feature-occlusion.js';
import {
  createLayerAccumulator,
  serializeLayerReference,
  SHIPPED_LAYER_REFERENCE,
} from '../src/explain/engine/layer-reference.js';
import { analyzeFace } from '../src/face/index.js';
import { studioPhotos } from './lib/public-data.js';

const accumulator = createLayerAccumulator(OCCLUDABLE_DESCRIPTORS);
const photos = studioPhotos();
for (const [i, p] of photos.entries()) {
  const a = await analyzeFace(p.file);
  if (a.aligned && a.quality.status !== 'reject') await accumulator.add(a.aligned.image);
  if ((i + 1) % 20 === 0) console.error(`${i + 1}/${photos.length}`);
}
const reference = {
  ...accumulator.result(
    `${accumulator.count} public studio faces: webmorph-3dsk (DeBruine & Jones 2020, doi:10.17605/OSF.IO/A3947) and webmorph-canada (DeBruine & Jones 2017, doi:10.6084/m9.figshare.4220517.v1)`,
  ),
  licence: 'CC BY 4.0 (derived statistics of the source images)',
};
writeFileSync(
  fileURLToPath(SHIPPED_LAYER_REFERENCE),
  JSON.stringify(serializeLayerReference(reference)) + '\n',
);
console.log(`wrote assets/layer-reference.json: the mean feature maps of ${reference.n} studio faces`);
