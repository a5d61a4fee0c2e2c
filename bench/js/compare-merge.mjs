// Prints MergeDiffReport's and yjs-merge-diff.mjs's RESULT lines side by side with ratios.
// Usage: node bench/js/compare-merge.mjs JAVA_OUTPUT YJS_OUTPUT
import fs from 'node:fs'
const result = f => JSON.parse(fs.readFileSync(f, 'utf8').split('\n').reverse().find(l => l.startsWith('RESULT ')).slice(7))
const [java, yjs] = process.argv.slice(2).map(result)
if (java.trace !== yjs.trace) throw new Error(`different traces: ${java.trace} vs ${yjs.trace}`)
const pad = (s, n) => String(s).padStart(n)
console.log(`trace ${java.trace}: (a) ${java.updates} updates, ${java.updateBytes} B; (b) state ${java.stateBytes} B`)
console.log(`${'measurement'.padEnd(40)}${pad('java', 14)}${pad('yjs', 14)}${pad('java/yjs', 10)}`)
const ms = v => `${v.toFixed(3)} ms`
const b = v => `${v} B`
for (const [label, key, fmt] of [
  ['(a) mergeUpdates x10000, median', 'aMs', ms], ['(a) mergeUpdates x10000, min', 'aMinMs', ms],
  ['(b) diffUpdate ~1 MB @90%, median', 'bMs', ms], ['(b) diffUpdate ~1 MB @90%, min', 'bMinMs', ms],
  ['(a) merged update, bytes', 'mergedBytes', b], ['(b) encoded state, bytes', 'stateBytes', b],
  ['(b) diff, bytes', 'diffBytes', b]]) {
  console.log(`${label.padEnd(40)}${pad(fmt(java[key]), 14)}${pad(fmt(yjs[key]), 14)}${pad((java[key] / yjs[key]).toFixed(2), 10)}`)
}
console.log('(ratios are java / yjs; equal byte counts are expected since the encodings are byte-identical)')
