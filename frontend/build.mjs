// Build Case Studio's browser assets into studio/static/dist/ (run by `make`; `node build.mjs`).
//
// - JS: ES modules, minified, with source maps; shared code goes into chunks/ (esbuild splitting),
//   so a page loads only what it uses (the BPMN viewer without the modeler, for instance).
// - CSS: one bundle per editor; fonts are copied beside it (never inlined as data: URIs, which the
//   Content-Security-Policy's font-src would refuse).
// - cmmn-js ships as a prebuilt UMD bundle (window.CmmnJS) on diagram-js 4: copied as is into
//   vendor/ and loaded by a classic <script> on CMMN pages only.
// - `.bpmnlintrc` is compiled into an ES module holding its rules (bpmnlint's compile-config).

import { createRequire } from 'node:module';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'studio', 'static', 'dist');
const require = createRequire(join(here, 'package.json'));

const SCRIPTS = [
  'editor-interface',
  'bpmn-editor',
  'cmmn-editor',
  'live',
  'shell',
  'diagram-page',
];
const STYLES = ['bpmn-editor', 'cmmn-editor'];
/** Every page's own module: `src/pages/<name>.js` is built as `dist/pages/<name>.js`. */
const PAGES = join(here, 'src', 'pages');
const CMMN_BUNDLES = {
  'cmmn-modeler.js': 'cmmn-modeler.production.min.js',
  'cmmn-navigated-viewer.js': 'cmmn-navigated-viewer.production.min.js',
};
const BROWSERS = ['chrome109', 'firefox115', 'safari16', 'edge109'];

/** Compile `.bpmnlintrc` (JSON) into a module exporting the configured rules. */
const bpmnlintPlugin = {
  name: 'bpmnlint',
  setup(build) {
    build.onResolve({ filter: /\.bpmnlintrc$/ }, (args) => ({
      path: join(args.resolveDir, args.path),
      namespace: 'bpmnlint',
    }));
    build.onLoad({ filter: /.*/, namespace: 'bpmnlint' }, async (args) => {
      const compileConfig = require('bpmnlint/lib/support/compile-config');
      const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
      const config = JSON.parse(await readFile(args.path, 'utf8'));
      const contents = await compileConfig(config, new NodeResolver({ require }));
      return { contents, loader: 'js', resolveDir: here, watchFiles: [args.path] };
    });
  },
};

async function buildScripts() {
  return esbuild.build({
    entryPoints: [
      ...SCRIPTS.map((name) => ({ in: join(here, 'src', `${name}.js`), out: name })),
      ...(await pageModules()).map((name) => ({ in: join(PAGES, name), out: `pages/${name.slice(0, -3)}` })),
    ],
    outdir: out,
    bundle: true,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    target: BROWSERS,
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [bpmnlintPlugin],
    metafile: true,
    logLevel: 'warning',
  });
}

async function pageModules() {
  try {
    return (await readdir(PAGES)).filter((name) => name.endsWith('.js')).sort();
  } catch {
    return [];
  }
}

async function buildStyles() {
  return esbuild.build({
    entryPoints: STYLES.map((name) => join(here, 'src', 'css', `${name}.css`)),
    outdir: out,
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    target: BROWSERS,
    assetNames: 'assets/[name]-[hash]',
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
    metafile: true,
    logLevel: 'warning',
  });
}

async function copyCmmnBundles() {
  const dist = join(dirname(require.resolve('cmmn-js/package.json')), 'dist');
  await mkdir(join(out, 'vendor'), { recursive: true });
  await Promise.all(
    Object.entries(CMMN_BUNDLES).map(([target, source]) =>
      copyFile(join(dist, source), join(out, 'vendor', target)),
    ),
  );
  await copyFile(join(dist, '..', 'LICENSE'), join(out, 'vendor', 'cmmn-js.LICENSE.txt'));
}

/** The versions the bundles were built from (for support questions). */
async function versions() {
  const { dependencies } = JSON.parse(await readFile(join(here, 'package.json'), 'utf8'));
  return Object.fromEntries(
    Object.keys(dependencies).map((name) => [name, require(`${name}/package.json`).version]),
  );
}

async function main() {
  const started = performance.now();
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const [scripts, styles] = await Promise.all([buildScripts(), buildStyles(), copyCmmnBundles()]);
  const outputs = { ...scripts.metafile.outputs, ...styles.metafile.outputs };
  const sizes = Object.fromEntries(
    Object.entries(outputs)
      .filter(([file]) => !file.endsWith('.map'))
      .map(([file, { bytes }]) => [relative(out, file), bytes]),
  );
  await writeFile(
    join(out, 'build.json'),
    `${JSON.stringify({ versions: await versions(), sizes }, null, 2)}\n`,
  );
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `front-end assets: ${Object.keys(sizes).length} files, ${(total / 1024).toFixed(0)} KiB ` +
      `in ${relative(process.cwd(), out) || out} (${seconds} s)`,
  );
}

main().catch((error) => {
  console.error(error.message || error);
  process.exit(1);
});
