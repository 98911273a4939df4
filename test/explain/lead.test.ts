import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DECISIVE_LEAD_LOGIT, rankingLead } from '../../src/explain/engine/index.js';
import { mirrorRegion, REGION_NAMES } from '../../src/face/regions.js';

test('the lead is measured over the best region outside the first one’s left/right pair', () => {
  // Unsorted on purpose; the two cheeks share the sign, so the right cheek leads the nose, not its twin.
  const lead = rankingLead([
    { region: 'nose', value: 1 },
    { region: 'cheekLeft', value: 2.9 },
    { region: 'cheekRight', value: 3 },
    { region: 'lips', value: -0.5 },
  ]);
  assert.deepEqual(lead, { over: 'nose', logit: 2, decisive: true });
});

test('a midline region leads the runner-up whatever it is; below the threshold it is not decisive', () => {
  const lead = rankingLead([
    { region: 'nose', value: 2 },
    { region: 'lips', value: 1.2 },
    { region: 'chin', value: 0.3 },
  ]);
  assert.equal(lead.over, 'lips');
  assert.ok(Math.abs(lead.logit - 0.8) < 1e-12);
  assert.equal(lead.decisive, false);
  assert.equal(
    rankingLead([
      { region: 'chin', value: DECISIVE_LEAD_LOGIT },
      { region: 'nose', value: 0 },
    ]).decisive,
    true,
  );
  // Ties for first: no lead at all.
  assert.equal(
    rankingLead([
      { region: 'chin', value: 1 },
      { region: 'nose', value: 1 },
    ]).logit,
    0,
  );
});

test('a region that pushes away from the class is never a decisive first, and an empty ranking is refused', () => {
  // Every region lowers the score's pull towards the class; the least negative one leads by 2 but explains nothing.
  const lead = rankingLead([
    { region: 'nose', value: -0.1 },
    { region: 'lips', value: -2.1 },
  ]);
  assert.equal(lead.logit, 2);
  assert.equal(lead.decisive, false);
  assert.throws(() => rankingLead([]), { code: 'invalid_input' });
});

test('mirrorRegion swaps sides and leaves midline regions alone', () => {
  assert.equal(mirrorRegion('jawLeft'), 'jawRight');
  assert.equal(mirrorRegion('preauricularRight'), 'preauricularLeft');
  assert.equal(mirrorRegion('forehead'), 'forehead');
  const sided = REGION_NAMES.filter((r) => mirrorRegion(r) !== r);
  assert.equal(sided.length, 8, 'eyes, cheeks, jaws, preauricular bands: 4 pairs');
  for (const r of REGION_NAMES) {
    assert.ok(REGION_NAMES.includes(mirrorRegion(r)), r);
    assert.equal(mirrorRegion(mirrorRegion(r)), r);
  }
});
