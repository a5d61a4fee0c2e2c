// Extracts the applied deltas and the expected literals of testDeltaBug / testDeltaBug2 from yjs tests/y-text.tests.js
// (branch v13 of github.com/yjs/yjs, = 13.6.31 tests; YText.js is identical to 13.6.33) into delta-bugs.json. Run from
// /work/main (yjs 13.6.33 in node_modules): node <this file> /path/to/y-text.tests.js > delta-bugs.json
import * as Y from 'yjs'
import fs from 'fs'
const src = fs.readFileSync(process.argv[2], 'utf8')
const grab = (name) => {
  const start = src.indexOf('export const ' + name + ' = ')
  const end = src.indexOf('\n}\n', start) + 3
  return src.slice(start, end).replace('export const ' + name + ' = ', 'return ')
}
const out = {}
for (const name of ['testDeltaBug', 'testDeltaBug2']) {
  const deltas = []
  const orig = Y.Text.prototype.applyDelta
  Y.Text.prototype.applyDelta = function (d, o) { deltas.push(JSON.parse(JSON.stringify(d))); return orig.call(this, d, o) }
  const compares = []
  const t = { compare: (a, b) => compares.push({ actualMatches: JSON.stringify(a) === JSON.stringify(b), expected: b }) }
  const fn = new Function('Y', 't', grab(name))(Y, t)
  fn({})
  Y.Text.prototype.applyDelta = orig
  out[name] = { deltas, compares }
}
process.stdout.write(JSON.stringify(out))
