// Generates js-array-sort-v8.txt: how V8 (Node 20) orders arrays with Yjs mergeUpdatesV2's reader comparator
// (inconsistent for an Item and a GC at the same id). Each line: "k1,k2,...<TAB>p1,p2,..." where an element is
// client*100000 + clock*10 + kind (kind 0 Item, 1 GC, 2 Skip) and p is the sorted order of the input indices.
// Run: node js-array-sort-v8.mjs > js-array-sort-v8.txt
let seed = 42
const rnd = n => { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor(seed / 65536) % n }
const cmp = (a, b) => {
  if (a.client === b.client) {
    const clockDiff = a.clock - b.clock
    if (clockDiff === 0) {
      return a.kind === b.kind ? 0 : a.kind === 2 ? 1 : -1
    } else {
      return clockDiff
    }
  } else {
    return b.client - a.client
  }
}
const out = []
for (let t = 0; t < 160; t++) {
  const len = t < 60 ? 2 + rnd(40) : 2 + rnd(400)
  const clients = 1 + rnd(4)
  const clocks = 1 + rnd(t % 3 === 0 ? 3 : 30)
  const arr = []
  for (let i = 0; i < len; i++) {
    arr.push({ i, client: rnd(clients), clock: rnd(clocks), kind: rnd(10) === 0 ? 2 : rnd(2) })
  }
  // partially pre-sorted inputs, as in mergeUpdatesV2 where the array stays sorted between iterations
  if (t % 4 === 1) arr.sort(cmp)
  if (t % 4 === 1) for (let k = 0; k < 5; k++) { const x = rnd(len); const y = rnd(len); const tmp = arr[x]; arr[x] = arr[y]; arr[y] = tmp }
  arr.forEach((e, i) => { e.i = i })
  const keys = arr.map(e => e.client * 100000 + e.clock * 10 + e.kind)
  const sorted = arr.slice().sort(cmp)
  out.push(keys.join(',') + '\t' + sorted.map(e => e.i).join(','))
}
process.stdout.write(out.join('\n') + '\n')
