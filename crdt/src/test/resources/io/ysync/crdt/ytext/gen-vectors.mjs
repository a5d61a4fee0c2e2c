// Generates differential test vectors for YText / Y.Xml* with the real yjs 13.6.33.
// Run from the repository root (after `npm ci` there):  node crdt/src/test/resources/io/ysync/crdt/ytext/gen-vectors.mjs > crdt/src/test/resources/io/ysync/crdt/ytext/vectors.jsonl
// Every line is one scenario: {"id", "clients", "gc", "steps": [{"op": {...}, "expect": {...}}]}.
// The Java test (YTextVectorsTest) replays "op" on its own docs and compares with "expect", which is computed here
// by Yjs only.
import * as Y from 'yjs'

const mulberry32 = (a) => () => {
  a |= 0; a = a + 0x6D2B79F5 | 0
  let t = Math.imul(a ^ a >>> 15, 1 | a)
  t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t
  return ((t ^ t >>> 14) >>> 0) / 4294967296
}

const b64 = (u8) => Buffer.from(u8).toString('base64')

const ATTRS = [
  () => ({ bold: true }), () => ({ bold: null }), () => ({ italic: true }), () => ({ italic: null }),
  () => ({ link: 'x' }), () => ({ link: 'https://y' }), () => ({ link: null }), () => ({ color: '#f00' }),
  () => ({ color: '#00f' }), () => ({ size: 12 }), () => ({ size: 1.5 }), () => ({ header: 1 }), () => ({ header: null }),
  () => ({ bold: true, italic: true }), () => ({ bold: false }), () => ({ obj: { href: 'a', n: 1 } }),
  () => ({ obj: { href: 'a', n: 1 } }), () => ({ obj: null }), () => ({ '2': 'two', a: 1, '10': 'ten' }), () => ({})
]
const XML_ATTRS = [
  () => ({ bold: true }), () => ({ bold: null }), () => ({ italic: true }), () => ({ italic: null }),
  () => ({ link: { href: 'x' } }), () => ({ link: null }), () => ({ size: 12 }), () => ({ em: 'ab' }), () => ({})
]
const WORDS = ['a', 'bc', 'def', 'xyz ', '\n', 'hello world', 'ü', '😀', 'ab😀c', '12345678']
const EMBEDS = [{ image: 'a.png' }, { formula: 'x^2' }, { n: 1, list: [1, 2] }]

const deltaJSON = (d) => d.map(op => {
  const o = {}
  for (const k of Object.keys(op)) {
    o[k] = (op[k] instanceof Y.AbstractType) ? { $type: op[k].toJSON() } : op[k]
  }
  return o
})

const genScenario = (seed, kind) => {
  const rnd = mulberry32(seed)
  const int = (n) => Math.floor(rnd() * n)
  const pick = (a) => a[int(a.length)]
  const nClients = 2 + int(2)
  const clients = []
  for (let i = 0; i < nClients; i++) clients.push(i === 0 ? 4294967295 - seed : seed * 7 + i)
  const gc = rnd() < 0.7
  const docs = clients.map(c => { const d = new Y.Doc({ gc }); d.clientID = c; return d })
  const events = docs.map(() => [])
  const updates = docs.map(() => [])
  docs.forEach((d, i) => {
    d.on('update', (u, origin) => { updates[i].push(b64(u)) })
    d.getText('text').observe(e => { events[i].push({ delta: deltaJSON(e.delta), keys: [...e.keysChanged].sort() }) })
    d.getXmlFragment('xml').observeDeep(es => {
      for (const e of es) {
        if (e.target instanceof Y.XmlText) events[i].push({ path: e.path, delta: deltaJSON(e.delta) })
        else events[i].push({ path: e.path, attrs: [...e.attributesChanged].sort(), child: e.childListChanged })
      }
    })
  })
  const text = (i) => docs[i].getText('text')
  const xml = (i) => docs[i].getXmlFragment('xml')
  // all XmlText nodes / elements reachable, as paths
  const nodes = (i, want) => {
    const res = []
    const walk = (t, path) => {
      t.toArray().forEach((c, k) => {
        if (c instanceof Y.XmlText) { if (want === 'text') res.push([...path, k]) } else if (c instanceof Y.XmlElement) {
          if (want === 'element') res.push([...path, k])
          walk(c, [...path, k])
        }
      })
    }
    walk(xml(i), [])
    if (want === 'element') res.push([])
    return res
  }
  const at = (i, path) => { let t = xml(i); for (const k of path) t = t.get(k); return t }
  const steps = []
  const nOps = kind === 'xml' ? 25 + int(30) : 30 + int(60)
  const apply = (op) => {
    const d = op.d
    switch (op.op) {
      case 'insert': text(d).insert(op.index, op.text, op.attrs); break
      case 'insertEmbed': text(d).insertEmbed(op.index, op.embed, op.attrs); break
      case 'delete': text(d).delete(op.index, op.len); break
      case 'format': text(d).format(op.index, op.len, op.attrs); break
      case 'applyDelta': text(d).applyDelta(op.delta); break
      case 'setAttribute': text(d).setAttribute(op.key, op.value); break
      case 'removeAttribute': text(d).removeAttribute(op.key); break
      case 'xmlInsert': {
        const nodesToInsert = op.nodes.map(n => {
          if (n.type === 'text') { const t = new Y.XmlText(); if (n.text) t.insert(0, n.text, n.attrs); return t }
          const e = new Y.XmlElement(n.name)
          for (const k in (n.attrs || {})) e.setAttribute(k, n.attrs[k])
          if (n.text) { const t = new Y.XmlText(); t.insert(0, n.text); e.insert(0, [t]) }
          return e
        })
        at(d, op.path).insert(op.index, nodesToInsert); break
      }
      case 'xmlDelete': at(d, op.path).delete(op.index, op.len); break
      case 'xmlSetAttr': at(d, op.path).setAttribute(op.key, op.value); break
      case 'xmlRemoveAttr': at(d, op.path).removeAttribute(op.key); break
      case 'xmlTextInsert': at(d, op.path).insert(op.index, op.text, op.attrs); break
      case 'xmlTextDelete': at(d, op.path).delete(op.index, op.len); break
      case 'xmlTextFormat': at(d, op.path).format(op.index, op.len, op.attrs); break
      case 'insertTypeEmbed': text(d).insertEmbed(op.index, new Y.Map([[op.key, op.value]]), op.attrs); break
      case 'cleanup': op.result = Y.cleanupYTextFormatting(text(d)); break
      case 'transact': docs[d].transact(() => { for (const o of op.ops) apply(o) }); break
      case 'sync': {
        const u = Y.encodeStateAsUpdate(docs[op.from], Y.encodeStateVector(docs[op.to]))
        Y.applyUpdate(docs[op.to], u)
        break
      }
      default: throw new Error(op.op)
    }
  }
  const safeIndex = (len) => int(len + 1)
  // Y.Text.format() inside a surrogate pair splits the local item without emitting an update (replicas diverge),
  // so format / retain boundaries are moved to code point boundaries.
  const units = (t) => t.toDelta().map(op => typeof op.insert === 'string' ? op.insert : '\u0000').join('')
  const snap = (s, i) => (i > 0 && i < s.length && /[\uD800-\uDBFF]/.test(s[i - 1]) && /[\uDC00-\uDFFF]/.test(s[i])) ? i + 1 : i
  const snapRange = (t, index, len) => { const s = units(t); const a = snap(s, index); const b = Math.max(a, snap(s, index + len)); return [a, b - a] }
  const randomTextOp = (d) => {
    const len = text(d).length
    const r = rnd()
    if (r < 0.35) return { d, op: 'insert', index: safeIndex(len), text: pick(WORDS), ...(rnd() < 0.5 ? { attrs: pick(ATTRS)() } : {}) }
    if (r < 0.42) return { d, op: 'insertEmbed', index: safeIndex(len), embed: pick(EMBEDS), ...(rnd() < 0.5 ? { attrs: pick(ATTRS)() } : {}) }
    if (r < 0.6 && len > 0) { const index = int(len); return { d, op: 'delete', index, len: 1 + int(Math.min(6, len - index)) } }
    if (r < 0.85 && len > 0) { const [index, l] = snapRange(text(d), int(len), 1 + int(8)); if (l > 0) return { d, op: 'format', index, len: l, attrs: pick(ATTRS)() } }
    if (r < 0.93) {
      const delta = []
      let pos = 0
      const str = units(text(d))
      const n = 1 + int(3)
      for (let k = 0; k < n; k++) {
        const rr = rnd()
        if (rr < 0.4 && pos < len) { const l = snap(str, pos + 1 + int(Math.min(4, len - pos))) - pos; delta.push(rnd() < 0.5 ? { retain: l } : { retain: l, attributes: pick(ATTRS)() }); pos += l } else if (rr < 0.7) {
          delta.push(rnd() < 0.5 ? { insert: pick(WORDS) } : { insert: pick(WORDS), attributes: pick(ATTRS)() })
        } else if (pos < len) { const l = 1 + int(Math.min(3, len - pos)); delta.push({ delete: l }); break }
      }
      if (delta.length === 0) delta.push({ insert: 'q' })
      return { d, op: 'applyDelta', delta }
    }
    if (rnd() < 0.3) return { d, op: 'insertTypeEmbed', index: safeIndex(len), key: pick(['k', 'm']), value: pick([1, 'v']), ...(rnd() < 0.5 ? { attrs: pick(ATTRS)() } : {}) }
    if (rnd() < 0.4) return { d, op: 'cleanup' }
    if (rnd() < 0.7) return { d, op: 'setAttribute', key: pick(['k1', 'k2']), value: pick([1, 'v', true, null, { a: 1 }]) }
    return { d, op: 'removeAttribute', key: pick(['k1', 'k2']) }
  }
  const randomXmlOp = (d) => {
    const r = rnd()
    const texts = nodes(d, 'text')
    const elems = nodes(d, 'element')
    if (r < 0.3 || (texts.length === 0 && r < 0.6)) {
      const path = pick(elems)
      const parent = at(d, path)
      const n = 1 + int(2)
      const ns = []
      for (let k = 0; k < n; k++) {
        if (rnd() < 0.5) ns.push({ type: 'text', text: pick(WORDS), ...(rnd() < 0.4 ? { attrs: pick(XML_ATTRS)() } : {}) })
        else ns.push({ type: 'element', name: pick(['p', 'div', 'Span', 'h1']), attrs: rnd() < 0.5 ? { class: pick(['a', 'b']), id: int(9) } : {}, ...(rnd() < 0.5 ? { text: pick(WORDS) } : {}) })
      }
      return { d, op: 'xmlInsert', path, index: safeIndex(parent.length), nodes: ns }
    }
    if (r < 0.4) {
      const path = pick(elems)
      const parent = at(d, path)
      if (parent.length > 0) { const index = int(parent.length); return { d, op: 'xmlDelete', path, index, len: 1 + int(Math.min(2, parent.length - index)) } }
    }
    if (r < 0.5) {
      const cand = elems.filter(p => p.length > 0)
      if (cand.length > 0) {
        if (rnd() < 0.8) return { d, op: 'xmlSetAttr', path: pick(cand), key: pick(['class', 'id', 'title']), value: pick(['x', 'y', 3, true, null]) }
        return { d, op: 'xmlRemoveAttr', path: pick(cand), key: pick(['class', 'id', 'title']) }
      }
    }
    if (texts.length > 0) {
      const path = pick(texts)
      const len = at(d, path).length
      const rr = rnd()
      if (rr < 0.4) return { d, op: 'xmlTextInsert', path, index: safeIndex(len), text: pick(WORDS), ...(rnd() < 0.5 ? { attrs: pick(XML_ATTRS)() } : {}) }
      if (rr < 0.65 && len > 0) { const index = int(len); return { d, op: 'xmlTextDelete', path, index, len: 1 + int(Math.min(4, len - index)) } }
      if (len > 0) { const [index, l] = snapRange(at(d, path), int(len), 1 + int(6)); if (l > 0) return { d, op: 'xmlTextFormat', path, index, len: l, attrs: pick(XML_ATTRS)() } }
    }
    return { d, op: 'xmlInsert', path: [], index: 0, nodes: [{ type: 'text', text: 'start' }] }
  }
  const expectAll = (op) => {
    // expectations for the doc the op changed (events and updates of the others are empty)
    const i = op.op === 'sync' ? op.to : op.d
    const e = {
      doc: i,
      ...(op.op === 'cleanup' ? { cleanups: op.result } : {}),
      ...((() => { delete op.result; return {} })()),
        text: text(i).toString(),
        delta: deltaJSON(text(i).toDelta()),
        attrs: text(i).getAttributes(),
        ...(kind === 'xml' ? { xml: xml(i).toString() } : {}),
        events: events[i].splice(0),
      updates: updates[i].splice(0)
    }
    docs.forEach((_, k) => { if (events[k].length > 0 || updates[k].length > 0) throw new Error('unexpected side effect') })
    steps.push({ op, expect: e })
  }
  for (let k = 0; k < nOps; k++) {
    let op
    if (rnd() < 0.15) {
      const from = int(nClients); let to = int(nClients); if (to === from) to = (to + 1) % nClients
      op = { op: 'sync', from, to }
    } else {
      const d = int(nClients)
      if (kind === 'text' && rnd() < 0.12) {
        // several ops in one transaction: ops are drawn against the state left by the previous ones
        op = { d, op: 'transact', ops: [] }
        const n = 2 + int(3)
        docs[d].transact(() => {
          for (let k = 0; k < n; k++) { const o = randomTextOp(d); if (o.op === 'cleanup') continue; apply(o); op.ops.push(o) }
        })
        expectAll(op)
        continue
      }
      op = kind === 'xml' ? randomXmlOp(d) : randomTextOp(d)
    }
    apply(op)
    expectAll(op)
  }
  // full sync until quiescent
  for (let round = 0; round < 2; round++) {
    for (let from = 0; from < nClients; from++) {
      for (let to = 0; to < nClients; to++) {
        if (from !== to) { const op = { op: 'sync', from, to }; apply(op); expectAll(op) }
      }
    }
  }
  const final = docs.map((d, i) => JSON.stringify([text(i).toDelta(), xml(i).toString()]))
  if (final.some(f => f !== final[0])) { console.error("not converged", kind, seed, final); return null }
  return { id: kind + '-' + seed, kind, clients, gc, steps }
}

const out = []
const add = (sc) => { if (sc !== null) out.push(JSON.stringify(sc)) }
for (let seed = 1; seed <= 30; seed++) add(genScenario(seed, 'text'))
for (let seed = 1; seed <= 20; seed++) add(genScenario(1000 + seed, 'xml'))
process.stdout.write(out.join('\n') + '\n')
