// The four trace measurements of io.ysync.bench.TraceReport, with the real yjs 13.6.33 (node_modules of the repository
// root: `npm ci` there).
//
//   node --expose-gc bench/js/yjs-trace.mjs [trace] [--warmup=5] [--runs=5]
//
// trace: a path (absolute, or relative to the cwd or the repo root) or a name such as seph-blog1 (looked up in
// testdata/traces/); default testdata/traces/automerge-paper.json.gz relative to the repo root. One yjs transaction
// per trace transaction (for automerge-paper one per patch, as in yjs's B4 benchmark). Heap =
// process.memoryUsage().heapUsed after global.gc() with the doc alive minus without it. Prints a table and, last, `RESULT {json}` for compare.mjs.
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
const runs = opt('runs', 5)
const spec = args.find(x => !x.startsWith('--')) ?? 'testdata/traces/automerge-paper.json.gz'

const resolveTrace = s => {
  const candidates = [path.resolve(s), path.resolve(repoRoot, s),
    path.resolve(repoRoot, 'testdata/traces', s.endsWith('.json.gz') ? s : `${s}.json.gz`)]
  const f = candidates.find(c => fs.existsSync(c) && fs.statSync(c).isFile())
  if (!f) throw new Error(`trace not found: ${s} (the traces are in testdata/traces/ of the repository)`)
  return f
}
const file = resolveTrace(spec)
const traceName = path.basename(file).replace(/\.json\.gz$/, '')
const trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8'))
if (trace.kind === 'concurrent') throw new Error('concurrent traces are not supported')
const patchCount = trace.txns.reduce((n, t) => n + t.patches.length, 0)

const LOCAL_CLIENT = 1
const REMOTE_CLIENT = 2
const newDoc = clientID => {
  const doc = new Y.Doc() // gc on
  doc.clientID = clientID
  return doc
}

const verify = (doc, what) => {
  const s = doc.getText('text').toString()
  if (s !== trace.endContent) throw new Error(`${what}: final text differs from endContent`)
  return doc
}

const applyLocal = (doc = newDoc(LOCAL_CLIENT)) => {
  const text = doc.getText('text')
  for (const { patches } of trace.txns) {
    doc.transact(() => {
      for (const [pos, del, ins] of patches) {
        if (del > 0) text.delete(pos, del)
        if (ins !== '') text.insert(pos, ins)
      }
    })
  }
  return doc
}

const captureUpdates = () => {
  const doc = newDoc(LOCAL_CLIENT)
  const updates = []
  const h = u => updates.push(u)
  doc.on('update', h)
  applyLocal(doc)
  doc.off('update', h)
  return updates
}

const applyRemote = updates => {
  const doc = newDoc(REMOTE_CLIENT)
  doc.getText('text')
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc
}
const encode = doc => Y.encodeStateAsUpdate(doc)
const decode = state => {
  const doc = newDoc(REMOTE_CLIENT)
  doc.getText('text')
  Y.applyUpdate(doc, state)
  return doc
}

const time = f => {
  let sink
  for (let i = 0; i < warmup; i++) sink = f()
  const ms = []
  for (let i = 0; i < runs; i++) {
    sink = null
    global.gc()
    const t0 = process.hrtime.bigint()
    sink = f()
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  if (sink === undefined) throw new Error('no result')
  ms.sort((x, y) => x - y)
  return [ms[Math.floor(runs / 2)], ms[0]]
}

const usedAfterGc = () => {
  let used = Infinity
  for (let i = 0; i < 4; i++) {
    global.gc()
    used = Math.min(used, process.memoryUsage().heapUsed)
  }
  return used
}
// minimum of three measurements, as TraceReport does
const retained = f => {
  let min = Infinity
  for (let i = 0; i < 3; i++) {
    const before = usedAfterGc()
    globalThis.__keep = f() // alive while measured
    const after = usedAfterGc()
    globalThis.__keep = null
    min = Math.min(min, after - before)
  }
  return min
}

console.log(`trace: ${traceName} (${trace.txns.length} txns, ${patchCount} patches, final length ${trace.endContent.length}); node ${process.version}, yjs ${JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules/yjs/package.json'))).version}; warmup ${warmup}, runs ${runs}`)

const updates = captureUpdates()
const finalDoc = verify(applyRemote(updates), 'applyRemote')
const state = encode(finalDoc)
const r2 = x => Math.round(x * 100) / 100
const r = {
  impl: 'yjs',
  trace: traceName,
  patches: patchCount,
  txns: trace.txns.length,
  updates: updates.length,
  updateBytes: updates.reduce((n, u) => n + u.length, 0),
  stateBytes: state.length
}
for (const [k, f] of [
  ['a', () => verify(applyLocal(), 'applyLocal')],
  ['b', () => verify(applyRemote(updates), 'applyRemote')],
  ['c', () => encode(finalDoc)],
  ['d', () => verify(decode(state), 'decodeState')]
]) {
  const [median, min] = time(f)
  r[`${k}Ms`] = r2(median)
  r[`${k}MinMs`] = r2(min)
}
r.heapLocalDoc = retained(() => applyLocal())
r.heapRemoteDoc = retained(() => applyRemote(updates))
r.heapDecodedDoc = retained(() => decode(state))

const mb = b => `${(b / 1e6).toFixed(1)} MB`
const ops = k => (patchCount / (r[`${k}Ms`] / 1000)).toFixed(0)
const rows = [
  ['measurement', 'median ms', 'min ms', 'ops/s', 'bytes', 'retained heap'],
  ['(a) apply local edits', r.aMs, r.aMinMs, ops('a'), '', mb(r.heapLocalDoc)],
  ['(b) apply remote updates', r.bMs, r.bMinMs, ops('b'), `${r.updateBytes} (${r.updates} updates)`, mb(r.heapRemoteDoc)],
  ['(c) encodeStateAsUpdate', r.cMs, r.cMinMs, '', `${r.stateBytes}`, ''],
  ['(d) apply encoded state', r.dMs, r.dMinMs, '', `${r.stateBytes}`, mb(r.heapDecodedDoc)]
]
for (const row of rows) {
  console.log(`${String(row[0]).padEnd(26)} ${String(row[1]).padStart(10)} ${String(row[2]).padStart(10)} ${String(row[3]).padStart(12)} ${String(row[4]).padStart(26)} ${String(row[5]).padStart(14)}`)
}
console.log(`RESULT ${JSON.stringify(r)}`)
