import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { test } from 'node:test';
import { dataPath } from '../helpers/data.js';

/**
 * Every way Node can open a connection is trapped before the models load; analysing a photo
 * (backend init, model load, detection) must not try any of them.
 */
test('loading the models and analysing a photo makes no network request', async () => {
  const attempts: string[] = [];
  const trap =
    (what: string) =>
    (...args: unknown[]): never => {
      attempts.push(`${what} ${String(args[0])}`);
      throw new Error(`network access attempted: ${what}`);
    };
  globalThis.fetch = trap('fetch') as typeof fetch;
  http.request = trap('http.request') as typeof http.request;
  http.get = trap('http.get') as typeof http.get;
  https.request = trap('https.request') as typeof https.request;
  https.get = trap('https.get') as typeof https.get;
  net.connect = trap('net.connect') as typeof net.connect;
  net.createConnection = trap('net.createConnection') as typeof net.createConnection;

  const { analyzeFace } = await import('../../src/face/index.js');
  const a = await analyzeFace(dataPath('webmorph-canada', 'images', '003f.jpg'));
  assert.equal(a.faces.length, 1);
  assert.deepEqual(attempts, []);
  const { tfCore } = await import('../../src/runtime/tf.js');
  assert.equal(tfCore().getBackend(), 'wasm');
});
