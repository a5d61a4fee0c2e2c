// The two measurements of io.ysync.bench.MergeDiffReport with the real yjs 13.6.33 (node_modules of the repository
// root: `npm ci` there):
//   (a) Y.mergeUpdates of the first 10,000 per-transaction updates of the trace (one transaction per trace txn);
//   (b) Y.diffUpdate of the V1 state of the trace replayed 3 times (root texts text0..text2, one client, gc off,
//       ~0.9 MB for automerge-paper) against the state vector taken after 90% of those transactions.
//
//   node --expose-gc bench/js/yjs-merge-diff.mjs [trace] [--warmup=5] [--runs=11]
//
// trace: a path (absolute, or relative to the cwd or the repo root) or a name such as seph-blog1 (looked up in
// testdata/traces/); default testdata/traces/automerge-paper.json.gz relative to the repo root.
//
// Prints a table and, last, `RESULT {json}` for SUITE=merge bench/run-crdt-bench.sh.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const Y = await import(path.join(repoRoot, 'node_modules', 'yjs', 'dist', 'yjs.mjs'))
if (typeof global.gc !== 'function') {
  console.error('run with node --expose-gc')
  process.exit(2)
}
const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const a = args.find(x => x.startsWith(`--${name}=`))
  return a ? Number(a.slice(name.length + 3)) : dflt
}
const warmup = opt('warmup', 5)
const runs = opt('runs', 11)
const spec = args.find(x => !x.startsWith('--')) ?? 'testdata/traces/automerge-paper.json.gz'
const candidates = [path.resolve(spec), path.resolve(repoRoot, spec),
  path.resolve(repoRoot, 'testdata/traces', spec.endsWith('.json.gz') ? spec : `${spec}.json.gz`)]
const file = candidates.find(c => fs.existsSync(c) && fs.statSync(c).isFile())
if (!file) throw new Error(`trace not found: ${spec} (the traces are in testdata/traces/ of the repository)`)
const traceName = path.basename(file).replace(/\.json\.gz$/, '')
const trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8'))

const MERGE_COUNT = 10000
const COPIES = 3
const SV_FRACTION = 0.9

const replay = (doc, text, onTxn) => {
  for (const { patches } of trace.txns) {
    onTxn()
    doc.transact(() => {
      for (const [pos, del, ins] of patches) {
        if (del > 0) text.delete(pos, del)
        if (ins !== '') text.insert(pos, ins)
      }
    })
  }
}

// (a) input: per-transaction updates of a local replay (client 1, gc on)
const local = new Y.Doc()
local.clientID = 1
const all = []
local.on('update', u => all.push(u))
replay(local, local.getText('text'), () => {})
const small = all.slice(0, MERGE_COUNT)

// (b) input
const big = new Y.Doc({ gc: false })
big.clientID = 1
const total = trace.txns.length * COPIES
const svAt = Math.floor(total * SV_FRACTION)
let done = 0
let sv = null
let baseState = null
for (let c = 0; c < COPIES; c++) {
  replay(big, big.getText(`text${c}`), () => {
    if (done++ === svAt) { sv = Y.encodeStateVector(big); baseState = Y.encodeStateAsUpdate(big) }
  })
}
const bigState = Y.encodeStateAsUpdate(big)

const merge = () => Y.mergeUpdates(small)
const diff = () => Y.diffUpdate(bigState, sv)

// sanity checks, as MergeDiffWorkload does
{
  const a = new Y.Doc(); small.forEach(u => Y.applyUpdate(a, u))
  const b = new Y.Doc(); Y.applyUpdate(b, merge())
  if (a.getText('text').toString() !== b.getText('text').toString()) throw new Error('merge check failed')
  const base = new Y.Doc({ gc: false }); Y.applyUpdate(base, baseState); Y.applyUpdate(base, diff())
  for (let c = 0; c < COPIES; c++) if (base.getText(`text${c}`).toString() !== trace.endContent) throw new Error('diff check failed')
}

const time = f => {
  let sink = 0
  for (let i = 0; i < warmup; i++) sink += f().length
  const ms = []
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint()
    sink += f().length
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  if (sink === 42) console.log('')
  ms.sort((x, y) => x - y)
  return [ms[Math.floor(runs / 2)], ms[0]]
}
global.gc()
const [aMs, aMinMs] = time(merge)
global.gc()
const [bMs, bMinMs] = time(diff)
const r4 = x => Math.round(x * 10000) / 10000
const r = {
  impl: 'yjs',
  trace: traceName,
  updates: small.length,
  updateBytes: small.reduce((n, u) => n + u.length, 0),
  mergedBytes: merge().length,
  stateBytes: bigState.length,
  diffBytes: diff().length,
  aMs: r4(aMs),
  aMinMs: r4(aMinMs),
  bMs: r4(bMs),
  bMinMs: r4(bMinMs)
}
const yjsVersion = JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules/yjs/package.json'))).version
console.log(`trace: ${traceName}; node ${process.version}, yjs ${yjsVersion}; warmup ${warmup}, runs ${runs}`)
console.log(`${'measurement'.padEnd(40)} ${'median ms'.padStart(10)} ${'min ms'.padStart(10)} ${'bytes in -> out'.padStart(24)}`)
console.log(`${`(a) mergeUpdates of ${r.updates} updates`.padEnd(40)} ${aMs.toFixed(3).padStart(10)} ${aMinMs.toFixed(3).padStart(10)} ${`${r.updateBytes} -> ${r.mergedBytes}`.padStart(24)}`)
console.log(`${'(b) diffUpdate, sv at 90%'.padEnd(40)} ${bMs.toFixed(3).padStart(10)} ${bMinMs.toFixed(3).padStart(10)} ${`${r.stateBytes} -> ${r.diffBytes}`.padStart(24)}`)
console.log(`RESULT ${JSON.stringify(r)}`)
