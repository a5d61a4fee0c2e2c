// Replays convergence schedules written by crdt's ConvergencePropertyTest with the real yjs 13.6.33, to tell a
// port bug from yjs behaviour. On failure the test prints
//   replay with yjs 13.6.33: node bench/js/replay-schedule.mjs /tmp/ysync-schedules/schedule-xxxxxxxx.json
// and -Dysync.properties.dump=true writes every generated schedule there (differential testing against yjs).
// For each file:
//   - do the yjs replicas converge (same JSON, state vector and canonical encodeStateAsUpdate bytes, i.e. after
//     reloading into a fresh doc; raw bytes may differ in how adjacent GC ranges are split, reported as info)?
//   - is each Java replica's final state (javaStates) byte-identical to the yjs replica's?
//
//   node bench/js/replay-schedule.mjs FILE... [--verbose]
//
// Exit code 0 if, for every file, yjs converges and matches Java byte for byte; 1 otherwise.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const Y = await import(path.join(repoRoot, 'node_modules', 'yjs', 'dist', 'yjs.mjs'))
const REMOTE = 'remote'
const verbose = process.argv.includes('--verbose')

// JSON step values -> yjs values (see TypeEditsPropertyTest#toJson)
const value = v => {
  if (Array.isArray(v)) return v.map(value)
  if (v === null || typeof v !== 'object') return v
  if ('$type' in v) return new Y[v.$type.replace(/^Y/, '')]() // YMap -> Y.Map
  if ('$bytes' in v) return new Uint8Array(v.$bytes)
  if ('$undefined' in v) return undefined
  if ('$xml' in v) return new Y.XmlElement(v.$xml)
  if ('$xmltext' in v) {
    const t = new Y.XmlText()
    t.insert(0, v.$xmltext)
    return t
  }
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

const b64 = u => Buffer.from(u).toString('base64')
// JSON with object keys sorted (YMap key order legitimately differs between replicas), Uint8Array as arrays
const canon = v => JSON.stringify(v, (k, x) => x instanceof Uint8Array ? Array.from(x)
  : x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) : x)

const replay = schedule => {
  const net = []
  const docs = []
  for (let i = 0; i < schedule.replicas; i++) {
    const doc = new Y.Doc({ gc: schedule.gc })
    doc.clientID = i + 1
    doc.getText('text'); doc.getArray('array'); doc.getMap('map'); doc.getXmlFragment('xml')
    doc.on(schedule.v2 ? 'updateV2' : 'update', (u, origin) => { if (origin !== REMOTE) net.push(u) })
    docs.push(doc)
  }
  const apply = (doc, u) => (schedule.v2 ? Y.applyUpdateV2 : Y.applyUpdate)(doc, u, REMOTE)
  const diff = (from, to) => (schedule.v2 ? Y.encodeStateAsUpdateV2 : Y.encodeStateAsUpdate)(from, Y.encodeStateVector(to))
  for (const step of schedule.steps) {
    if (verbose) console.log(JSON.stringify(step))
    if ('op' in step) {
      resolve(docs[step.r], step.path)[step.op](...step.args.map(value))
    } else if ('deliver' in step) {
      for (const id of step.deliver) apply(docs[step.to], net[id])
    } else if ('sync' in step) {
      apply(docs[step.to], diff(docs[step.sync], docs[step.to]))
    } else if ('fullsync' in step) {
      for (let round = 0; round < step.fullsync; round++) {
        for (const from of docs) {
          for (const to of docs) {
            if (from !== to) apply(to, diff(from, to))
          }
        }
      }
    } else {
      throw new Error(`unknown step ${JSON.stringify(step)}`)
    }
  }

  let ok = true
  const states = docs.map(d => b64(Y.encodeStateAsUpdate(d)))
  // canonical state as in ConvergencePropertyTest#canonicalState: reloaded into a fresh doc, then encoded
  const canonical = docs.map(d => {
    const fresh = new Y.Doc({ gc: schedule.gc })
    fresh.clientID = 0xFFFFFFFF
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(d))
    return b64(Y.encodeStateAsUpdate(fresh))
  })
  for (let i = 1; i < docs.length; i++) {
    const same = [
      ['toJSON', canon(docs[0].toJSON()) === canon(docs[i].toJSON())],
      ['encodeStateVector', b64(Y.encodeStateVector(docs[0])) === b64(Y.encodeStateVector(docs[i]))],
      ['encodeStateAsUpdate (canonical)', canonical[0] === canonical[i]]
    ]
    for (const [what, eq] of same) {
      if (!eq) { ok = false; console.log(`yjs: ${what} differs: r1 vs r${i + 1}`) }
    }
    if (states[0] !== states[i]) console.log(`yjs (info): raw encodeStateAsUpdate differs: r1 vs r${i + 1}, canonical forms ${canonical[0] === canonical[i] ? 'equal' : 'differ'}`)
  }
  console.log(ok ? 'yjs: all replicas converged (JSON, state vector, state bytes)' : 'yjs: replicas do NOT converge')
  let javaOk = true
  if (schedule.javaStates) {
    for (let i = 0; i < docs.length; i++) {
      if (schedule.javaStates[i] !== states[i]) {
        javaOk = false
        console.log(`java != yjs for r${i + 1}:\n  java ${schedule.javaStates[i]}\n  yjs  ${states[i]}`)
      }
    }
    console.log(javaOk ? 'java states == yjs states for every replica' : 'java states differ from yjs')
  }
  return ok && javaOk
}

const files = process.argv.slice(2).filter(a => !a.startsWith('--'))
let failures = 0
for (const file of files) {
  if (files.length > 1) console.log(`== ${file}`)
  try {
    if (!replay(JSON.parse(fs.readFileSync(file, 'utf8')))) failures++
  } catch (e) {
    failures++
    console.log(`yjs threw: ${e.stack}`)
  }
}
if (files.length > 1) console.log(`${files.length - failures} of ${files.length} schedules: yjs converges and equals java`)
process.exit(failures === 0 ? 0 : 1)
