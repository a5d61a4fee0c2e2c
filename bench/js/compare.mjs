// Prints the RESULT lines of TraceReport (Java) and yjs-trace.mjs (yjs) side by side with ratios.
//   node bench/js/compare.mjs java-output.txt yjs-output.txt
// A ratio > 1 means Java takes more time / bytes / heap than yjs.
import fs from 'node:fs'

const result = file => {
  const line = fs.readFileSync(file, 'utf8').split('\n').reverse().find(l => l.startsWith('RESULT '))
  if (!line) throw new Error(`${file}: no RESULT line`)
  return JSON.parse(line.slice('RESULT '.length))
}
const [java, yjs] = process.argv.slice(2).map(result)
if (java.trace !== yjs.trace) throw new Error(`different traces: ${java.trace} vs ${yjs.trace}`)

const ms = v => `${v.toFixed(1)} ms`
const mb = v => `${(v / 1e6).toFixed(2)} MB`
const b = v => `${v} B`
const ops = v => `${Math.round(java.patches / (v / 1000))}/s`
const rows = [
  ['(a) apply local edits, median', 'aMs', ms],
  ['(a) apply local edits, ops/s', 'aMs', ops, true],
  ['(b) apply remote updates, median', 'bMs', ms],
  ['(b) apply remote updates, ops/s', 'bMs', ops, true],
  ['(c) encodeStateAsUpdate, median', 'cMs', ms],
  ['(d) apply encoded state, median', 'dMs', ms],
  ['per-txn updates, total bytes', 'updateBytes', b],
  ['encoded state, bytes', 'stateBytes', b],
  ['retained heap after (a)', 'heapLocalDoc', mb],
  ['retained heap after (b)', 'heapRemoteDoc', mb],
  ['retained heap after (d)', 'heapDecodedDoc', mb]
]
console.log(`trace ${java.trace}: ${java.patches} patches in ${java.txns} txns (one transaction per txn)`)
const pad = (s, n) => String(s).padStart(n)
console.log(`${'measurement'.padEnd(34)}${pad('java', 16)}${pad('yjs', 16)}${pad('java/yjs', 10)}`)
for (const [label, key, fmt, inverse] of rows) {
  const ratio = inverse ? yjs[key] / java[key] : java[key] / yjs[key]
  console.log(`${label.padEnd(34)}${pad(fmt(java[key]), 16)}${pad(fmt(yjs[key]), 16)}${pad(ratio.toFixed(2), 10)}`)
}
console.log('(ops/s ratio is java ops/s / yjs ops/s; all other ratios are java / yjs)')
