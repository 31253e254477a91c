// The layer order of src/ (docs/design.md, "Layers"): a folder imports only from its own layer or the layers below.
// Resolves each relative import to the folder it lands in, so a moved file cannot slip past the check.
const { dirname, relative, resolve, sep } = require('node:path');

/** Lowest first. Folders in one entry may import each other; a higher entry may import any lower one. */
const LAYERS = [
  ['common', 'config'],
  ['database', 'redis', 'metrics', 'rate-limits', 'storage', 'malware-scan', 'tiktok-api', 'instances'],
  ['tenants'],
  ['notifications'],
  ['tokens'],
  ['tiktok-auth'],
  ['uploads'],
  ['tiktok-webhooks'],
  ['console', 'health'],
  ['(app)', 'commands'],
];
/** Pure facts with no imports, which the lowest layer may read: TikTok's numeric limits. */
const FACTS = new Set(['tiktok-api/tiktok-limits.ts']);
/** A stand-in for TikTok: it imports nothing of the gateway, and only the entry point (main.ts) imports it. */
const ISOLATED = 'tiktok-sandbox';

function rankOf(folder) {
  const rank = LAYERS.findIndex((layer) => layer.includes(folder));
  return rank === -1 ? undefined : rank;
}

/** `uploads` for src/uploads/intake/x.ts, `(app)` for a file directly in src/, undefined outside src/. */
function folderOf(srcRoot, file) {
  const path = relative(srcRoot, file);
  if (path.startsWith('..')) return undefined;
  const parts = path.split(sep);
  return parts.length === 1 ? '(app)' : parts[0];
}

function problem(srcRoot, file, spec) {
  if (!spec.startsWith('.')) return undefined;
  const from = folderOf(srcRoot, file);
  const target = resolve(dirname(file), spec);
  const to = folderOf(srcRoot, target);
  if (from === undefined || to === undefined || from === to) return undefined;
  if (from === ISOLATED) return `${ISOLATED} imports nothing of the gateway, but this imports ${to}/`;
  if (to === ISOLATED) return from === '(app)' ? undefined : `only src/main.ts may import ${ISOLATED}/`;
  const fromRank = rankOf(from);
  const toRank = rankOf(to);
  if (fromRank === undefined) return `src/${from}/ has no place in the layer order; add it to eslint/layer-order.cjs`;
  if (toRank === undefined) return `src/${to}/ has no place in the layer order; add it to eslint/layer-order.cjs`;
  if (toRank <= fromRank) return undefined;
  const targetFile = relative(srcRoot, target).split(sep).join('/');
  if (FACTS.has(targetFile) || FACTS.has(`${targetFile}.ts`)) return undefined;
  return `${from}/ sits below ${to}/ in the layer order, so it may not import it (docs/design.md, "Layers")`;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports point down the layer order of src/' },
    schema: [{ type: 'object', properties: { srcRoot: { type: 'string' } }, additionalProperties: false }],
    messages: { upward: '{{reason}}' },
  },
  create(context) {
    const srcRoot = context.options[0]?.srcRoot ?? resolve(__dirname, '..', 'src');
    const check = (node) => {
      if (!node || node.type !== 'Literal' || typeof node.value !== 'string') return;
      const reason = problem(srcRoot, context.filename, node.value);
      if (reason) context.report({ node, messageId: 'upward', data: { reason } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node.arguments[0]);
      },
    };
  },
};

module.exports = { rule, LAYERS };
