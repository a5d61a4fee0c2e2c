#!/usr/bin/env node
// Interop case generator: random multi-client Yjs sessions, recorded as updates + the result Yjs computes.
//
//   node interop/gen-cases.mjs --seed S [--count N] [--ops M] --out FILE
//
// Writes N JSON lines (one case each) to FILE. Case k uses the seed S * 1000 + k (a seed whose clients do not
// converge is skipped and the next one used); everything is derived from it with a
// seeded PRNG (no Math.random, no clocks), so the same arguments and yjs version give the same bytes.
//
// A case: 2-5 Y.Docs with explicit clientIDs edit the roots text (Y.Text), array (Y.Array), map (Y.Map) and
// xml (Y.XmlFragment), with nested shared types, while going offline/online, receiving updates late, out of order
// or twice, and syncing by state vector. Every update a doc emits for a local transaction is recorded (V1 and V2
// bytes). A delivery order (every update at least once, shuffled, with duplicates) is replayed on a fresh replica
// new Y.Doc({ gc }) with clientID 1234567891; `expected` is what Yjs computes on that replica:
//
//   { id, seed, gc, clients: [ids], updates: [{ client, v1, v2 }], deliveryOrder: [i...],
//     expected: { json: { text, textDelta, array, map, xml }, stateVector, stateV1, stateV2 }, info: {...},
//     merged, mergedV2, mergedStateVector, mergedV2StateVector, diff: { prefix, sv, update, updateV2 } }
//
// merged = Y.mergeUpdates(all v1 in recording order), mergedV2 = Y.mergeUpdatesV2(all v2), the state vectors are
// Y.encodeStateVectorFromUpdate(V2) of those; diff.sv is the state vector of a fresh replica after the first
// `prefix` updates of deliveryOrder, diff.update = Y.diffUpdate(merged, sv), diff.updateV2 = Y.diffUpdateV2(mergedV2, sv).
// These use their own PRNG (seeded from the case seed), so the other fields do not depend on them.
//
// Binary values are base64; Uint8Array values inside JSON are {"$bytes": base64}. Orders that hit the Yjs
// "pending structs stuck" quirk (see testdata/yjs/README.md) are redrawn.
import { parseArgs } from 'node:util'
import fs from 'node:fs'
import * as Y from 'yjs'

const REPLICA_CLIENT_ID = 1234567891

const { values: opt } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    count: { type: 'string', default: '10' },
    ops: { type: 'string', default: '60' },
    out: { type: 'string' }
  }
})
if (!opt.out) {
  console.error('usage: node interop/gen-cases.mjs --seed S [--count N] [--ops M] --out FILE')
  process.exit(2)
}

// ---------------------------------------------------------------------------------------------------------------
// seeded PRNG (sfc32 seeded through splitmix32)

class Rng {
  constructor (seed) {
    let s = (seed >>> 0) ^ 0x5bd1e995
    const splitmix = () => {
      s = (s + 0x9e3779b9) >>> 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = splitmix(); this.b = splitmix(); this.c = splitmix(); this.d = splitmix()
    for (let i = 0; i < 12; i++) this.u32()
  }

  u32 () {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0
    this.d = (this.d + 1) >>> 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) >>> 0
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0
    this.c = (this.c + t) >>> 0
    return t >>> 0
  }

  float () { return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992 }
  int (min, max) { return min + Math.floor(this.float() * (max - min + 1)) }
  bool (p = 0.5) { return this.float() < p }
  pick (arr) { return arr[Math.floor(this.float() * arr.length)] }
  shuffle (arr) {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1))
      const t = arr[i]; arr[i] = arr[j]; arr[j] = t
    }
    return arr
  }
}

const b64 = (u8) => Buffer.from(u8).toString('base64')

/** Yjs values -> plain JSON (Uint8Array -> {"$bytes": b64}, shared types -> toJSON()). */
const tagJSON = (v) => {
  if (v instanceof Uint8Array) return { $bytes: b64(v) }
  if (Array.isArray(v)) return v.map(tagJSON)
  if (v !== null && typeof v === 'object') {
    if (v instanceof Y.AbstractType) return tagJSON(v.toJSON())
    const o = {}
    for (const k of Object.keys(v)) o[k] = tagJSON(v[k])
    return o
  }
  return v
}

const docJSON = (doc) => ({
  text: doc.getText('text').toString(),
  textDelta: tagJSON(doc.getText('text').toDelta()),
  array: tagJSON(doc.getArray('array').toJSON()),
  map: tagJSON(doc.getMap('map').toJSON()),
  xml: doc.getXmlFragment('xml').toString()
})

// ---------------------------------------------------------------------------------------------------------------
// random values and operations

const STRINGS = ['a', 'bc', 'def', 'xyz!', ' ', '\n', 'é', 'ß', '日本', '😀', 'a😀b', '👍🏽', 'Ω≈ç', 'tab\t', '"q"']
const KEYS = ['a', 'b', 'key', '', '10', '2', '😀', 'long key name']
const EMBEDS = [{ image: 'cat.png' }, { formula: 'e=mc^2' }, { mention: { id: 7, name: 'ann' } }, { video: null }]
const TEXT_ATTRS = [{ bold: true }, { italic: true }, { bold: null }, { italic: null }, { link: 'x' },
  { color: '#f00' }, { size: 12 }, { header: 1 }, { color: null }]
const XML_TEXT_ATTRS = [{ bold: true }, { italic: true }, { bold: null }, { em: { style: 'x' } }]
const NODE_NAMES = ['p', 'h1', 'div', 'span', 'li']

const randString = (rng) => {
  let s = ''
  const n = rng.int(1, 3)
  for (let i = 0; i < n; i++) s += rng.pick(STRINGS)
  return s
}

const randNumber = (rng) => rng.pick([
  () => rng.int(-100, 100), () => -0, () => rng.int(0, 1e6) / 8, () => 2 ** 31, () => -(2 ** 31), () => 2 ** 31 - 1,
  () => 2 ** 53, () => 1e21, () => 1e-7, () => 0.1 + 0.2, () => -1.5e300, () => rng.u32()
])()

const randJSON = (rng, depth = 0) => {
  const k = rng.int(0, depth > 1 ? 5 : 7)
  switch (k) {
    case 0: return randNumber(rng)
    case 1: return randString(rng)
    case 2: return rng.bool()
    case 3: return null
    case 4: return rng.int(-5, 5)
    case 5: { const u = new Uint8Array(rng.int(0, 5)); for (let i = 0; i < u.length; i++) u[i] = rng.int(0, 255); return u }
    case 6: { const o = {}; const n = rng.int(0, 3); for (let i = 0; i < n; i++) o[rng.pick(KEYS)] = randJSON(rng, depth + 1); return o }
    default: { const a = []; const n = rng.int(0, 3); for (let i = 0; i < n; i++) a.push(randJSON(rng, depth + 1)); return a }
  }
}

/** a new (not yet integrated) shared type, or a JSON value */
const randValue = (rng, depth) => {
  if (depth < 3 && rng.bool(0.2)) {
    const k = rng.int(0, 2)
    if (k === 0) { const m = new Y.Map(); m.set('init', randJSON(rng, 2)); return m }
    if (k === 1) { const a = new Y.Array(); a.insert(0, [randJSON(rng, 2)]); return a }
    const t = new Y.Text(); t.insert(0, randString(rng)); return t
  }
  return randJSON(rng)
}

/** UTF-16 index on a code point boundary (formatting inside a surrogate pair corrupts Yjs replicas). */
const cpIndex = (rng, str, max = str.length) => {
  for (let tries = 0; tries < 8; tries++) {
    const i = rng.int(0, max)
    const c = str.charCodeAt(i)
    if (!(c >= 0xdc00 && c <= 0xdfff)) return i
  }
  return 0
}

const depthOf = (type) => { let d = 0; for (let t = type; t._item !== null; t = t._item.parent) d++; return d }

/** all live shared types of a doc below the roots, by kind */
const collectTypes = (doc) => {
  const found = { text: [doc.getText('text')], array: [doc.getArray('array')], map: [doc.getMap('map')], xmlElement: [], xmlText: [] }
  const visit = (v) => {
    if (v instanceof Y.XmlElement) { found.xmlElement.push(v); v.toArray().forEach(visit) } else if (v instanceof Y.XmlText) found.xmlText.push(v)
    else if (v instanceof Y.Text) found.text.push(v)
    else if (v instanceof Y.Array) { found.array.push(v); v.toArray().forEach(visit) } else if (v instanceof Y.Map) { found.map.push(v); for (const x of v.values()) visit(x) }
  }
  doc.getArray('array').toArray().forEach(visit)
  for (const x of doc.getMap('map').values()) visit(x)
  doc.getXmlFragment('xml').toArray().forEach(visit)
  return found
}

const textOp = (rng, text, attrs) => {
  const s = text.toString()
  const r = rng.float()
  if (r < 0.45 || s.length === 0) {
    text.insert(cpIndex(rng, s), randString(rng), rng.bool(0.3) ? rng.pick(attrs) : undefined)
  } else if (r < 0.7) {
    const i = cpIndex(rng, s, s.length - 1)
    text.delete(i, Math.min(rng.int(1, 4), s.length - i))
  } else if (r < 0.92) {
    const i = cpIndex(rng, s, s.length - 1)
    let end = cpIndex(rng, s)
    if (end <= i) end = s.length
    text.format(i, end - i, rng.pick(attrs))
  } else if (attrs === TEXT_ATTRS) {
    text.insertEmbed(cpIndex(rng, s), rng.pick(EMBEDS), rng.bool(0.3) ? rng.pick(attrs) : undefined)
  } else {
    text.insert(cpIndex(rng, s), randString(rng))
  }
}

const arrayOp = (rng, arr) => {
  const r = rng.float()
  const d = depthOf(arr)
  const values = () => Array.from({ length: rng.int(1, 3) }, () => randValue(rng, d))
  if (r < 0.4 || arr.length === 0) arr.insert(rng.int(0, arr.length), values())
  else if (r < 0.55) arr.push(values())
  else if (r < 0.65) arr.unshift(values())
  else { const i = rng.int(0, arr.length - 1); arr.delete(i, Math.min(rng.int(1, 3), arr.length - i)) }
}

const mapOp = (rng, map) => {
  if (map.size > 0 && rng.bool(0.25)) map.delete(rng.pick([...map.keys()]))
  else map.set(rng.pick(KEYS), randValue(rng, depthOf(map)))
}

const xmlOp = (rng, doc, types) => {
  const frag = doc.getXmlFragment('xml')
  const r = rng.float()
  const parents = [frag, ...types.xmlElement.filter(e => depthOf(e) < 3)]
  if (r < 0.3 || frag.length === 0) {
    const parent = rng.pick(parents)
    if (rng.bool(0.6)) {
      const el = new Y.XmlElement(rng.pick(NODE_NAMES))
      if (rng.bool(0.5)) el.setAttribute(rng.pick(['class', 'id', 'data-x']), randString(rng))
      if (rng.bool(0.6)) { const t = new Y.XmlText(); t.insert(0, randString(rng)); el.insert(0, [t]) }
      parent.insert(rng.int(0, parent.length), [el])
    } else {
      const t = new Y.XmlText(); t.insert(0, randString(rng)); parent.insert(rng.int(0, parent.length), [t])
    }
  } else if (r < 0.5 && types.xmlElement.length > 0) {
    const el = rng.pick(types.xmlElement)
    if (rng.bool(0.7)) el.setAttribute(rng.pick(['class', 'id', 'data-x']), randString(rng))
    else el.removeAttribute(rng.pick(['class', 'id', 'data-x']))
  } else if (r < 0.8 && types.xmlText.length > 0) {
    textOp(rng, rng.pick(types.xmlText), XML_TEXT_ATTRS)
  } else {
    const parent = rng.pick(parents)
    if (parent.length > 0) { const i = rng.int(0, parent.length - 1); parent.delete(i, 1) }
  }
}

const randomOp = (rng, doc) => {
  const types = collectTypes(doc)
  const r = rng.float()
  if (r < 0.3) textOp(rng, rng.bool(0.75) ? doc.getText('text') : rng.pick(types.text), TEXT_ATTRS)
  else if (r < 0.5) arrayOp(rng, rng.bool(0.7) ? doc.getArray('array') : rng.pick(types.array))
  else if (r < 0.7) mapOp(rng, rng.bool(0.7) ? doc.getMap('map') : rng.pick(types.map))
  else xmlOp(rng, doc, types)
}

// ---------------------------------------------------------------------------------------------------------------
// one case

const clientIds = (rng, n) => {
  const ids = new Set()
  while (ids.size < n) {
    const id = rng.pick([() => rng.int(0, 20), () => 4294967295 - rng.int(0, 3), () => 2 ** 31 + rng.int(-2, 2), () => rng.u32()])()
    if (id !== REPLICA_CLIENT_ID) ids.add(id)
  }
  return [...ids]
}

const applyTo = (peer, u, rng) => {
  if (rng.bool(0.25)) Y.applyUpdateV2(peer.doc, u.v2, 'remote')
  else Y.applyUpdate(peer.doc, u.v1, 'remote')
}

const syncPair = (a, b, rng) => {
  const useV2 = rng.bool(0.25)
  for (const [x, y] of [[a, b], [b, a]]) {
    if (useV2) Y.applyUpdateV2(y.doc, Y.encodeStateAsUpdateV2(x.doc, Y.encodeStateVector(y.doc)), 'remote')
    else Y.applyUpdate(y.doc, Y.encodeStateAsUpdate(x.doc, Y.encodeStateVector(y.doc)), 'remote')
  }
}

const flushInbox = (peer, updates, rng) => {
  const inbox = rng.shuffle(peer.inbox.splice(0))
  for (const i of inbox) applyTo(peer, updates[i], rng)
}

const deliveryOrder = (rng, n) => {
  const order = Array.from({ length: n }, (_, i) => i)
  const strategy = rng.int(0, 3)
  if (strategy === 0) rng.shuffle(order)
  else if (strategy === 1) order.reverse()
  else if (strategy === 2) { for (let i = 0; i + 1 < n; i++) if (rng.bool(0.4)) { const t = order[i]; order[i] = order[i + 1]; order[i + 1] = t } } else {
    const late = order.filter(() => rng.bool(0.3))
    const early = order.filter(i => !late.includes(i))
    order.splice(0, n, ...early, ...rng.shuffle(late))
  }
  const dups = rng.int(1, 4)
  for (let k = 0; k < dups && n > 0; k++) order.splice(rng.int(0, order.length), 0, rng.int(0, n - 1))
  return order
}

/** applies updates[i].v1 in `order` to a fresh replica; counts the steps after which structs were pending */
const replay = (updates, order, gc) => {
  const replica = new Y.Doc({ gc })
  replica.clientID = REPLICA_CLIENT_ID
  let pendingSteps = 0
  for (const i of order) {
    Y.applyUpdate(replica, updates[i].v1)
    if (isPending(replica)) pendingSteps++
  }
  return { replica, pendingSteps }
}

/** JSON with object keys sorted (Y.Map key order depends on the order a replica integrated the keys) */
const canon = (v) => JSON.stringify(v, (k, x) => (x !== null && typeof x === 'object' && !Array.isArray(x))
  ? Object.fromEntries(Object.keys(x).sort().map(key => [key, x[key]])) : x)

const sameState = (a, b) => canon(docJSON(a)) === canon(docJSON(b)) &&
  Buffer.from(Y.encodeStateVector(a)).equals(Buffer.from(Y.encodeStateVector(b)))

const isPending = (doc) => doc.store.pendingStructs !== null || doc.store.pendingDs !== null

/** Simulates one case; returns null when the clients did not converge (the caller skips the seed). */
const generateCase = (seed, opsTarget) => {
  const rng = new Rng(seed)
  const gc = rng.bool(0.75)
  const ids = clientIds(rng, rng.int(2, 5))
  const updates = []
  const peers = ids.map((id, index) => {
    const doc = new Y.Doc({ gc })
    doc.clientID = id
    const peer = { index, doc, online: true, inbox: [] }
    const current = new Map()
    doc.on('update', (v1, origin, d, tr) => {
      if (!tr.local) return
      const u = { client: index, v1, v2: null }
      current.set(tr, u)
      updates.push(u)
    })
    doc.on('updateV2', (v2, origin, d, tr) => {
      const u = current.get(tr)
      if (u) { u.v2 = v2; current.delete(tr) }
    })
    return peer
  })
  /** delivers updates[first..] (growing while remote applies trigger cleanup transactions) to the online peers */
  const broadcast = (first) => {
    for (let i = first; i < updates.length; i++) {
      const from = peers[updates[i].client]
      for (const peer of peers) {
        if (peer === from || !peer.online || !from.online) continue
        const r = rng.float()
        if (r < 0.75) applyTo(peer, updates[i], rng)
        else if (r < 0.95) peer.inbox.push(i)
        else peer.inbox.push(i, i)
      }
    }
  }
  const withBroadcast = (fn) => { const first = updates.length; fn(); broadcast(first) }
  let ops = 0
  while (ops < opsTarget) {
    const peer = rng.pick(peers)
    const r = rng.float()
    if (r < 0.08) {
      peer.online = !peer.online
      if (peer.online) {
        for (const other of peers) if (other !== peer && other.online) withBroadcast(() => syncPair(peer, other, rng))
      }
    } else if (r < 0.16) {
      withBroadcast(() => flushInbox(peer, updates, rng))
    } else {
      const n = rng.int(1, 6)
      withBroadcast(() => peer.doc.transact(() => { for (let k = 0; k < n; k++) randomOp(rng, peer.doc) }))
      ops += n
    }
  }
  // everyone online, drain queues, sync until quiescent
  for (const p of peers) { p.online = true; flushInbox(p, updates, rng) }
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < peers.length; i++) for (let j = i + 1; j < peers.length; j++) syncPair(peers[i], peers[j], rng)
  }
  if (!peers.every(p => sameState(p.doc, peers[0].doc) && !isPending(p.doc))) {
    if (process.env.GEN_DEBUG) { // GEN_DEBUG=1: show which roots differ between the clients
      const j0 = docJSON(peers[0].doc)
      for (const p of peers) {
        const j = docJSON(p.doc)
        const differing = Object.keys(j).filter(k => canon(j[k]) !== canon(j0[k]))
        console.error(seed, p.index, isPending(p.doc), differing, Y.decodeStateVector(Y.encodeStateVector(p.doc)))
      }
    }
    return null
  }
  if (updates.some(u => u.v2 === null)) throw new Error(`seed ${seed}: an update without its V2 twin`)

  let order = null
  let result = null
  let rejected = 0
  for (let attempt = 0; attempt < 10 && order === null; attempt++) {
    const candidate = deliveryOrder(rng, updates.length)
    const r = replay(updates, candidate, gc)
    if (!isPending(r.replica) && sameState(r.replica, peers[0].doc)) { order = candidate; result = r } else rejected++
  }
  if (order === null) {
    order = updates.map((_, i) => i)
    result = replay(updates, order, gc)
    if (isPending(result.replica) || !sameState(result.replica, peers[0].doc)) return null
  }
  const replica = result.replica
  // merge/diff oracle (a separate PRNG, so the fields above stay what they were for this seed)
  const mergeRng = new Rng(seed ^ 0x6d657267)
  const merged = Y.mergeUpdates(updates.map(u => u.v1))
  const mergedV2 = Y.mergeUpdatesV2(updates.map(u => u.v2))
  const prefix = mergeRng.int(0, order.length)
  const svDoc = new Y.Doc({ gc })
  svDoc.clientID = REPLICA_CLIENT_ID
  for (const i of order.slice(0, prefix)) Y.applyUpdate(svDoc, updates[i].v1)
  const diffSv = Y.encodeStateVector(svDoc)
  return {
    id: `gen-${String(seed).padStart(6, '0')}`,
    seed,
    gc,
    clients: ids,
    updates: updates.map(u => ({ client: u.client, v1: b64(u.v1), v2: b64(u.v2) })),
    deliveryOrder: order,
    expected: {
      json: docJSON(replica),
      stateVector: b64(Y.encodeStateVector(replica)),
      stateV1: b64(Y.encodeStateAsUpdate(replica)),
      stateV2: b64(Y.encodeStateAsUpdateV2(replica))
    },
    info: { ops, updates: updates.length, rejectedDeliveryOrders: rejected, replicaPendingSteps: result.pendingSteps },
    merged: b64(merged),
    mergedV2: b64(mergedV2),
    mergedStateVector: b64(Y.encodeStateVectorFromUpdate(merged)),
    mergedV2StateVector: b64(Y.encodeStateVectorFromUpdateV2(mergedV2)),
    diff: { prefix, sv: b64(diffSv), update: b64(Y.diffUpdate(merged, diffSv)), updateV2: b64(Y.diffUpdateV2(mergedV2, diffSv)) }
  }
}

// ---------------------------------------------------------------------------------------------------------------

const seed = Number(opt.seed)
const count = Number(opt.count)
const opsTarget = Number(opt.ops)
if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 0 || !(opsTarget > 0)) {
  console.error('gen-cases: --seed and --count must be integers, --ops positive')
  process.exit(2)
}
const lines = []
let skipped = 0
for (let k = 0; lines.length < count; k++) {
  if (skipped > count + 10) { console.error(`gen-cases: too many non-converging seeds (${skipped})`); process.exit(1) }
  const c = generateCase(seed * 1000 + k, opsTarget)
  if (c === null) { skipped++; continue }
  lines.push(JSON.stringify(c))
}
fs.writeFileSync(opt.out, lines.length > 0 ? lines.join('\n') + '\n' : '')
console.error(`gen-cases: ${lines.length} cases (seed ${seed}, ${skipped} non-converging seeds skipped) -> ${opt.out}`)
