// Scale-out driver: real yjs + y-websocket clients spread over several ysync instances that share a Redis.
// Each provider edits its room (map keys named after itself, text inserts) and sets its awareness state, then waits
// until every provider of the room holds all expected keys, the same text, and sees every expected awareness state.
// Env: YSYNC_WS_URLS (comma list), YSYNC_ROOMS (comma list), YSYNC_CLIENTS_PER_ROOM, YSYNC_EDITS (per provider),
// YSYNC_EXPECTED_KEYS (per room, all clients of all kinds), YSYNC_EXPECTED_AWARENESS (states per room, self included).
// Prints one JSON line {"<room>": {"text": ..., "keys": n}, ...} on success; exit status 0 = converged.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

process.setMaxListeners(0)
const env = name => {
  const v = process.env[name]
  if (v === undefined) throw new Error('missing env ' + name)
  return v
}
const urls = env('YSYNC_WS_URLS').split(',')
const rooms = env('YSYNC_ROOMS').split(',')
const perRoom = Number(env('YSYNC_CLIENTS_PER_ROOM'))
const edits = Number(env('YSYNC_EDITS'))
const expectedKeys = Number(env('YSYNC_EXPECTED_KEYS'))
const expectedAwareness = Number(env('YSYNC_EXPECTED_AWARENESS'))
const TIMEOUT_MS = Number(process.env.YSYNC_SCENARIO_TIMEOUT_MS || 60000)

setTimeout(() => {
  console.error(`redis-scale-out: timed out after ${TIMEOUT_MS} ms`)
  for (const c of clients) {
    console.error(`  ${c.name}: keys=${c.doc.getMap('m').size} awareness=${c.provider.awareness.getStates().size}`)
  }
  process.exit(2)
}, TIMEOUT_MS).unref()

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
const waitFor = async (what, cond, timeoutMs = 45000) => {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

const clients = []
let n = 0
for (const room of rooms) {
  for (let i = 0; i < perRoom; i++) {
    const doc = new Y.Doc()
    const url = urls[n++ % urls.length]
    const provider = new WebsocketProvider(url, room, doc, { WebSocketPolyfill: WebSocket, disableBc: true })
    clients.push({ name: `js${i}@${url.replace(/.*:/, '')}`, room, doc, provider })
  }
}

await Promise.all(clients.map(c => waitFor('sync of ' + c.name, () => c.provider.synced)))
await Promise.all(clients.map(async c => {
  c.provider.awareness.setLocalStateField('user', { name: c.name })
  for (let i = 0; i < edits; i++) {
    c.doc.transact(() => {
      c.doc.getMap('m').set(`${c.name}-${i}`, i)
      const t = c.doc.getText('t')
      t.insert(Math.floor(Math.random() * (t.length + 1)), c.name.charAt(2))
    })
    await sleep(Math.random() * 10)
  }
}))
const start = Date.now()
for (const room of rooms) {
  const mine = clients.filter(c => c.room === room)
  await waitFor(`all keys in ${room}`, () => mine.every(c => c.doc.getMap('m').size === expectedKeys))
  await waitFor(`same text in ${room}`, () => mine.every(c => c.doc.getText('t').toString() ===
    mine[0].doc.getText('t').toString()))
  await waitFor(`awareness in ${room}`, () => mine.every(c => c.provider.awareness.getStates().size >=
    expectedAwareness))
}
const result = {}
for (const room of rooms) {
  const c = clients.find(c => c.room === room)
  result[room] = { text: c.doc.getText('t').toString(), keys: c.doc.getMap('m').size }
}
console.log(JSON.stringify(result))
console.error(`redis-scale-out: converged ${Date.now() - start} ms after the last edit`)
for (const c of clients) c.provider.destroy()
process.exit(0)
