import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

interface Result {
  file: string;
  scored: boolean;
  quality: { status: string };
  conditions: Record<
    string,
    { normative: { score: number; percentile: number }; screen: { probability: number; decision: string } }
  >;
  topRegions: { region: string; percentile: number }[];
  drivers: Record<string, { region: string; importance: number }[]>;
  driverLead: Record<string, { over: string; logit: number; decisive: boolean }>;
  driverMethod: Record<string, string>;
  figures: Record<string, { regions: string }>;
}

/**
 * The main job on the bundled examples (what `npm start` runs): four studio faces and their phantoms.
 * A phantom must score higher than the same face unmodified on its own condition's screen.
 */
test('screen runs the whole system on the bundled examples', async () => {
  const out = await mkdtemp(join(tmpdir(), 'endoface-screen-'));
  const r = runCli(['screen', 'examples/manifest.csv', '--out', out, '--no-cache']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /not a medical device/);
  assert.match(r.stdout, /trained on SIMULATED signs/i);
  // Each screen's probability beside its threshold, in words; the drivers and whether one clearly leads.
  assert.match(
    r.stdout,
    /screen probability \d\.\d{3}, (ABOVE|below) its threshold \d\.\d{3} — (flagged as|not flagged)/,
  );
  assert.match(
    r.stdout,
    /what moves the (cushing|acromegaly) screen most when hidden: .+ — (.+ clearly leads|no region clearly leads)/,
  );
  assert.match(r.stdout, /compared with: normal (men|women) aged 18–29 \(n = \d+\)/);
  const json = JSON.parse(await readFile(join(out, 'screen.json'), 'utf8')) as {
    disclaimer: string;
    results: Result[];
  };
  assert.match(json.disclaimer, /simulated signs, not on patients/);
  assert.equal(json.results.length, 8);
  const byName = new Map(json.results.map((x) => [x.file.split('/').pop()!, x]));
  for (const x of json.results) {
    assert.ok(x.scored, x.file);
    assert.equal(x.quality.status, 'pass', x.file);
    for (const c of ['cushing', 'acromegaly']) {
      const v = x.conditions[c];
      assert.ok(v.screen.probability >= 0 && v.screen.probability <= 1);
      assert.ok(v.normative.percentile >= 0 && v.normative.percentile <= 100);
      assert.equal(x.drivers[c].length, 3);
      // The first driver's lead is over a structure other than itself, and decisive from 1.5 logits.
      const lead = x.driverLead[c];
      const first = x.drivers[c][0].region;
      const twin =
        first.replace(/Right$/, 'Left') === first
          ? first.replace(/Left$/, 'Right')
          : first.replace(/Right$/, 'Left');
      assert.ok(lead.logit >= 0 && lead.over !== first && lead.over !== twin, JSON.stringify(lead));
      assert.equal(lead.decisive, lead.logit >= 1.5 && x.drivers[c][0].importance > 0);
      assert.ok(existsSync(x.figures[c].regions), x.figures[c].regions);
      // The acromegaly screen reads FaceRes: its regions are hidden both ways; Cushing's on the pixels.
      assert.equal(x.driverMethod[c], c === 'acromegaly' ? 'combined' : 'pixel');
    }
    assert.equal(x.topRegions.length, 3);
  }
  const pairs: [string, string, string][] = [
    ['canada_008f.jpg', 'canada_008f_cushing_s0.8.jpg', 'cushing'],
    ['male_alex.jpg', 'male_alex_cushing_s0.8.jpg', 'cushing'],
    ['female_agata.jpg', 'female_agata_acromegaly_s0.8.jpg', 'acromegaly'],
    ['canada_095m.jpg', 'canada_095m_acromegaly_s0.8.jpg', 'acromegaly'],
  ];
  for (const [face, phantom, condition] of pairs) {
    const a = byName.get(face)!.conditions[condition].screen.probability;
    const b = byName.get(phantom)!.conditions[condition].screen.probability;
    assert.ok(b > a, `${condition}: phantom ${b.toFixed(3)} vs its face ${a.toFixed(3)}`);
  }
});
