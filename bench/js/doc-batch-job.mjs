// Builds the `ysync doc batch` job of issue 17: one V1 update file per transaction of a sequential trace (for
// automerge-paper: 259,778 one-character edits), made with the real yjs 13.6.33 (node_modules of the repository root),
// and a job file with two jobs over all of them in order: `json --roots text=text` and `state`.
//
//   node bench/js/doc-batch-job.mjs OUTDIR [trace]
//
// trace: a path or a name in testdata/traces/ (default automerge-paper). Writes OUTDIR/u/<n>.bin (n = 0, 1, ...,
// no padding), OUTDIR/jobs.tsv (output paths OUTDIR/out/text.json and OUTDIR/out/state.bin) and OUTDIR/expected/
// (what yjs itself computes for both jobs, for a byte comparison). Run it with the job:
//   ./ysync doc batch OUTDIR/jobs.tsv             (the Java CLI)
//   node bench/js/yjs-doc-batch.mjs OUTDIR/jobs.tsv   (the same job on yjs)
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const Y = await import(path.join(repoRoot, 'node_modules', 'yjs', 'dist', 'yjs.mjs'))

const [outArg, spec = 'automerge-paper'] = process.argv.slice(2)
if (!outArg) {
  console.error('usage: node bench/js/doc-batch-job.mjs OUTDIR [trace]')
  process.exit(2)
}
const out = path.resolve(outArg)
const candidates = [path.resolve(spec), path.resolve(repoRoot, 'testdata/traces', spec.endsWith('.json.gz') ? spec : `${spec}.json.gz`)]
const traceFile = candidates.find(c => fs.existsSync(c) && fs.statSync(c).isFile())
if (!traceFile) throw new Error(`trace not found: ${spec}`)
const trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(traceFile)).toString('utf8'))
if (trace.kind === 'concurrent') throw new Error('concurrent traces are not supported')

fs.mkdirSync(path.join(out, 'u'), { recursive: true })
fs.mkdirSync(path.join(out, 'out'), { recursive: true })
fs.mkdirSync(path.join(out, 'expected'), { recursive: true })

const doc = new Y.Doc()
doc.clientID = 1
const text = doc.getText('text')
const files = []
let bytes = 0
let current = null
doc.on('update', u => { current = u })
for (const { patches } of trace.txns) {
  doc.transact(() => {
    for (const [pos, del, ins] of patches) {
      if (del > 0) text.delete(pos, del)
      if (ins !== '') text.insert(pos, ins)
    }
  })
  const f = path.join(out, 'u', `${files.length}.bin`)
  fs.writeFileSync(f, current)
  bytes += current.length
  files.push(f)
}
if (text.toString() !== trace.endContent) throw new Error('final text differs from endContent')

const jobs = [
  [path.join(out, 'out', 'text.json'), 'json', '--roots', 'text=text', ...files],
  [path.join(out, 'out', 'state.bin'), 'state', ...files]
]
fs.writeFileSync(path.join(out, 'jobs.tsv'), jobs.map(j => j.join('\t')).join('\n') + '\n')
fs.writeFileSync(path.join(out, 'expected', 'text.json'), JSON.stringify({ text: text.toString() }))
const replica = new Y.Doc()
replica.clientID = 1234567891
for (const f of files) Y.applyUpdate(replica, fs.readFileSync(f))
fs.writeFileSync(path.join(out, 'expected', 'state.bin'), Y.encodeStateAsUpdate(replica))
console.log(`${files.length} update files, ${bytes} bytes, job file ${fs.statSync(path.join(out, 'jobs.tsv')).size} bytes: ${path.join(out, 'jobs.tsv')}`)
