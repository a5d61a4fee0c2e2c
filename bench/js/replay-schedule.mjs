// Replays a convergence schedule written by crdt's ConvergencePropertyTest (on failure it prints
// "replay with yjs 13.6.33: node bench/js/replay-schedule.mjs <file>") with the real yjs, to tell a port bug from
// yjs behaviour:
//   - do the yjs replicas converge (same JSON, state vector and encodeStateAsUpdate bytes)?
//   - is each Java replica's final state byte-identical to the yjs replica's?
//
//   node bench/js/replay-schedule.mjs /tmp/ysync-schedules/schedule-xxxxxxxx.json [--verbose]
//
// Exit code 0 if yjs converges and matches Java byte for byte, 1 otherwise.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const Y = await import(path.join(repoRoot, 'node_modules', 'yjs', 'dist', 'yjs.mjs'))

const file = process.argv[2]
const verbose = process.argv.includes('--verbose')
const schedule = JSON.parse(fs.readFileSync(file, 'utf8'))
const REMOTE = 'remote'

const net = []
const docs = []
for (let i = 0; i < schedule.replicas; i++) {
  const doc = new Y.Doc({ gc: schedule.gc })
  doc.clientID = i + 1
  doc.getText('text'); doc.getArray('array'); doc.getMap('map'); doc.getXmlFragment('xml')
  doc.on('update', (u, origin) => { if (origin !== REMOTE) net.push(u) })
  docs.push(doc)
}

// JSON step values -> yjs values (see TypeEditsPropertyTest#toJson)
const value = v => {
  if (Array.isArray(v)) return v.map(value)
  if (v === null || typeof v !== 'object') return v
  if ('$type' in v) return new Y[v.$type]()
  if ('$bytes' in v) return new Uint8Array(v.$bytes)
  if ('$undefined' in v) return undefined
  if ('$xml' in v) return new Y.XmlElement(v.$xml)
  if ('$xmltext' in v) { const t = new Y.XmlText(); t.insert(0, v.$xmltext); return t }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x)]))
}

// "map.k1[2]" -> the shared type
const resolve = (doc, p) => {
  const m = /^(text|array|map|xml)(.*)$/.exec(p)
  let t = { text: () => doc.getText('text'), array: () => doc.getArray('array'), map: () => doc.getMap('map'), xml: () => doc.getXmlFragment('xml') }[m[1]]()
  for (const [, idx, key] of m[2].matchAll(/\[(\d+)\]|\.([^.[]+)/g)) {
    t = idx !== undefined ? t.get(Number(idx)) : t.get(key)
  }
  return t
}

const apply = (doc, u) => Y.applyUpdate(doc, u, REMOTE)
for (const step of schedule.steps) {
  if (verbose) console.log(JSON.stringify(step))
  if ('op' in step) {
    const t = resolve(docs[step.r], step.path)
    const args = step.args.map(value)
    t[step.op](...args)
  } else if ('deliver' in step) {
    for (const id of step.deliver) apply(docs[step.to], net[id])
  } else if ('sync' in step) {
    apply(docs[step.to], Y.encodeStateAsUpdate(docs[step.sync], Y.encodeStateVector(docs[step.to])))
  } else if ('fullsync' in step) {
    for (let round = 0; round < step.fullsync; round++) {
      for (const from of docs) {
        for (const to of docs) {
          if (from !== to) apply(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)))
        }
      }
    }
  } else {
    throw new Error(`unknown step ${JSON.stringify(step)}`)
  }
}

const b64 = u => Buffer.from(u).toString('base64')
const canon = v => JSON.stringify(v, (k, x) => x instanceof Uint8Array ? Array.from(x)
  : x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) : x)
let ok = true
const states = docs.map(d => b64(Y.encodeStateAsUpdate(d)))
for (let i = 1; i < docs.length; i++) {
  const same = [
    ['toJSON', canon(docs[0].toJSON()) === canon(docs[i].toJSON())],
    ['encodeStateVector', b64(Y.encodeStateVector(docs[0])) === b64(Y.encodeStateVector(docs[i]))],
    ['encodeStateAsUpdate', states[0] === states[i]]
  ]
  for (const [what, eq] of same) {
    if (!eq) { ok = false; console.log(`yjs: ${what} differs: r1 vs r${i + 1}`) }
  }
}
console.log(ok ? 'yjs: all replicas converged (JSON, state vector, state bytes)' : 'yjs: replicas do NOT converge')
let javaOk = true
for (let i = 0; i < docs.length; i++) {
  if (schedule.javaStates && schedule.javaStates[i] !== states[i]) {
    javaOk = false
    console.log(`java != yjs for r${i + 1}:\n  java ${schedule.javaStates[i]}\n  yjs  ${states[i]}`)
  }
}
if (schedule.javaStates) console.log(javaOk ? 'java states == yjs states for every replica' : 'java states differ from yjs')
process.exit(ok && javaOk ? 0 : 1)
