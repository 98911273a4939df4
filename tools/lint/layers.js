// ESLint rule `endoface/layers`: the import rules of src/ (docs/architecture.md).
//  1. Across folders, a module is imported through the folder's index.ts, never deeply: each
//     folder's index is its curated public API.
//  2. Imports point down the layers only: shells (cli, server, web) → jobs → stages → base, never
//     back; a shell reaches the library through jobs (and the shared core and util) alone.
import { dirname, relative, resolve, sep } from 'node:path';

const LAYERS = {
  core: 0,
  util: 0,
  io: 0,
  runtime: 0,
  image: 1,
  face: 1,
  features: 1,
  model: 1,
  stats: 1,
  data: 1,
  simulate: 1,
  explain: 1,
  report: 1,
  jobs: 2,
  cli: 3,
  server: 3,
  web: 3,
};
/** What a shell may import besides jobs. */
const SHELL_ALLOWED = new Set(['jobs', 'core', 'util']);

/** The top-level folder of a path under src (undefined: a file directly in src, or outside it). */
function folderOf(srcDir, file) {
  const rel = relative(srcDir, file);
  if (rel.startsWith('..')) return undefined;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports across src/ folders go through index.ts and down the layers only' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const srcDir = resolve(context.cwd, 'src');
    const from = folderOf(srcDir, file);
    const isRoot = relative(srcDir, file) === 'index.ts';
    if (from === undefined && !isRoot) return {};
    function check(node, source) {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const target = resolve(dirname(file), source.value.replace(/\.js$/, '.ts'));
      const to = folderOf(srcDir, target);
      if (to === undefined || to === from) return;
      const viaIndex = relative(resolve(srcDir, to), target) === 'index.ts';
      if (!viaIndex)
        context.report({
          node,
          message: `import ${to}/ through its index (../${to}/index.js), not ${source.value}: a folder's index is its public API`,
        });
      if (isRoot) return;
      if (LAYERS[to] === undefined || LAYERS[from] === undefined) return;
      if (LAYERS[to] > LAYERS[from])
        context.report({
          node,
          message: `${from}/ must not import ${to}/: imports point down the layers (shells → jobs → stages → base)`,
        });
      else if (LAYERS[from] === 3 && !SHELL_ALLOWED.has(to))
        context.report({
          node,
          message: `${from}/ is a shell: it reaches the library through jobs/, not ${to}/`,
        });
    }
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
    };
  },
};
