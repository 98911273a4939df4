// The screen job decodes and analyses a photo once and gives that analysis to every explainer
// (issue 15). Its results must be those of the earlier way, where each explainer decoded and
// analysed the photo again: a cache hit takes that way (no analysis is made for the features), so
// the two ways are compared on the same photos, field for field and figure byte for byte.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { explanationFigures } from '../../src/explain/index.js';
import { FeatureCache } from '../../src/features/index.js';
import { loadBundle } from '../../src/model/index.js';
import { createScreenExplainers, screenPhoto } from '../../src/jobs/screen-photo.js';

const ROOT = join(import.meta.dirname, '..', '..');

test('screen: explaining from the shared analysis gives what explaining from the file gave', async () => {
  const bundle = await loadBundle(join(ROOT, 'models', 'default'));
  const explainers = await createScreenExplainers(bundle, 'none');
  const cache = new FeatureCache(':memory:');
  try {
    for (const name of ['female_agata.jpg', 'phantoms/canada_095m_acromegaly_s0.8.jpg']) {
      const photo = {
        file: join(ROOT, 'examples', name),
        covariates: { sex: 'female', age: '25' },
        origin: 'named',
      };
      const options = { bundle, explainers, cache, reference: {}, topN: 3 };
      const shared = await screenPhoto(photo, options); // cache miss: one analysis for all
      const own = await screenPhoto(photo, options); // cache hit: each explainer analyses the file
      assert.equal(shared.explanations.length, 2, name);
      assert.deepEqual(shared.result, own.result, name);
      for (const [i, e] of shared.explanations.entries()) {
        const other = own.explanations[i].explanation;
        assert.deepEqual(e.explanation.explanation.regions, other.explanation.regions, name);
        const [a, b] = await Promise.all([explanationFigures(e.explanation), explanationFigures(other)]);
        assert.ok(a.regions.equals(b.regions), `${name}: ${e.screen} figure`);
      }
    }
  } finally {
    cache.close();
    await Promise.all(explainers.map((e) => e.dispose()));
  }
});
