// Generates docfree-updates-yjs.tsv: results of Yjs 13.6.33's document-free update functions on the conformance
// cases that cases.jsonl does not record (SHA-256 of the bytes, to keep the file small).
// Run from the repository root (`npm ci` there installs yjs):
//   cp crdt/src/test/resources/io/ysync/crdt/docfree-updates-yjs.mjs ./gen.tmp.mjs \
//     && node gen.tmp.mjs testdata/yjs/cases.jsonl > crdt/src/test/resources/io/ysync/crdt/docfree-updates-yjs.tsv \
//     && rm gen.tmp.mjs
import * as Y from 'yjs'
import fs from 'fs'
import crypto from 'crypto'
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(l => l.trim())
const b = s => new Uint8Array(Buffer.from(s, 'base64'))
const h = u => crypto.createHash('sha256').update(u).digest('hex')
const meta = m => {
  const o = { from: {}, to: {} }
  m.from.forEach((v, k) => { o.from[k] = v })
  m.to.forEach((v, k) => { o.to[k] = v })
  return JSON.stringify(o)
}
const out = ['# id\tv1to2(stateV1)\tv2to1(stateV2)\tmergeDelivery\tmergeV2Delivery\tsvFromMergeDelivery\tdiffV2[0]\tdiffV2[1]\tparseUpdateMeta(merged)']
for (const l of lines) {
  const c = JSON.parse(l)
  const e = c.expected
  const md = Y.mergeUpdates(c.deliveryOrder.map(i => b(c.updates[i].v1)))
  const md2 = Y.mergeUpdatesV2(c.deliveryOrder.map(i => b(c.updates[i].v2)))
  const row = [c.id, h(Y.convertUpdateFormatV1ToV2(b(e.stateV1))), h(Y.convertUpdateFormatV2ToV1(b(e.stateV2))),
    h(md), h(md2), h(Y.encodeStateVectorFromUpdate(md))]
  for (const d of e.diffCases) row.push(h(Y.diffUpdateV2(b(e.mergedV2), b(d.sv))))
  row.push(meta(Y.parseUpdateMeta(b(e.merged))))
  out.push(row.join('\t'))
}
process.stdout.write(out.join('\n') + '\n')
