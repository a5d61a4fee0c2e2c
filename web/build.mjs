// Builds the collaborative editor demo page that `ysync serve` answers at `/`.
//
//   node web/build.mjs <outDir>
//
// Bundles web/src/main.js (and the CSS it imports) with esbuild from the packages pinned in the repository's
// package-lock.json, then writes into <outDir> (emptied first):
//   index.html              web/src/index.html with the hashed asset names filled in
//   assets/app-<hash>.js    the bundle (CodeMirror 6, Yjs, y-codemirror.next, y-websocket)
//   assets/app-<hash>.css   the styles
//   files.json              {"files": [...]}: every file above; the server serves exactly these and nothing else
//
// Maven runs it in sync-server's generate-resources phase (see sync-server/pom.xml); the output lands in ysync.jar
// under /web/. Exit status 1 with a message on stderr when something is missing.
import { readFile, writeFile, rm, mkdir } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const webDir = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.dirname(webDir)
const srcDir = path.join(webDir, 'src')

function fail (message) {
  console.error(`web/build.mjs: ${message}`)
  process.exit(1)
}

const outArg = process.argv[2]
if (!outArg) fail('usage: node web/build.mjs <outDir>')
const outDir = path.resolve(outArg)
if (outDir === path.parse(outDir).root || outDir === repoRoot || outDir === webDir) {
  fail(`refusing to empty ${outDir}: give a dedicated output directory`)
}
if (!existsSync(path.join(repoRoot, 'node_modules', 'esbuild'))) {
  fail(`${path.join(repoRoot, 'node_modules')} lacks esbuild: run \`npm ci\` in ${repoRoot} (Node.js 20+)`)
}

const esbuild = await import('esbuild')

await rm(outDir, { recursive: true, force: true })
await mkdir(path.join(outDir, 'assets'), { recursive: true })

const result = await esbuild.build({
  absWorkingDir: repoRoot,
  entryPoints: { app: path.join(srcDir, 'main.js') },
  bundle: true,
  format: 'esm',
  target: ['es2022', 'chrome100', 'firefox100', 'safari15'],
  minify: true,
  legalComments: 'eof',
  entryNames: '[name]-[hash]',
  outdir: path.join(outDir, 'assets'),
  metafile: true,
  logLevel: 'warning'
}).catch(() => fail('esbuild failed (see the messages above)'))

// The names esbuild chose, by extension: one JS bundle and one stylesheet.
const outputs = Object.keys(result.metafile.outputs).map(file => path.relative(outDir, path.resolve(repoRoot, file)))
const pick = ext => {
  const found = outputs.filter(f => f.endsWith(ext))
  if (found.length !== 1) fail(`expected one ${ext} output, got ${JSON.stringify(found)}`)
  return found[0].split(path.sep).join('/')
}
const script = pick('.js')
const stylesheet = pick('.css')

const template = await readFile(path.join(srcDir, 'index.html'), 'utf8')
for (const placeholder of ['{{script}}', '{{stylesheet}}']) {
  if (!template.includes(placeholder)) fail(`web/src/index.html lacks ${placeholder}`)
}
const html = template.replaceAll('{{script}}', script).replaceAll('{{stylesheet}}', stylesheet)
await writeFile(path.join(outDir, 'index.html'), html)

const files = ['index.html', ...outputs.map(f => f.split(path.sep).join('/'))].sort()
await writeFile(path.join(outDir, 'files.json'), JSON.stringify({ files }, null, 2) + '\n')
console.error(`web/build.mjs: wrote ${files.join(', ')} to ${outDir}`)
