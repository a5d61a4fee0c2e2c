// Rough delivered-updates/s probe (not the bench module's load generator): C raw y-websocket clients in one room,
// each sends U real Yjs updates; every client counts the update frames it receives (the server echoes to all,
// sender included). Prints JSON. Usage: node throughput.mjs ws://127.0.0.1:PORT [clients=20] [updates=200] [token]
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'

const [url, clientsArg = '20', updatesArg = '200', token = ''] = process.argv.slice(2)
const C = Number(clientsArg)
const U = Number(updatesArg)
const room = 'throughput-' + process.pid + '-' + Date.now()
const expected = C * U

const frame = (syncType, data) => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, syncType)
  encoding.writeVarUint8Array(e, data)
  return encoding.toUint8Array(e)
}

const clients = await Promise.all(Array.from({ length: C }, () => new Promise((resolve, reject) => {
  const ws = new WebSocket(`${url}/${room}${token ? '?token=' + token : ''}`)
  ws.binaryType = 'nodebuffer'
  const c = { ws, doc: new Y.Doc(), received: 0 }
  ws.on('message', (data) => {
    if (data[0] === 0 && data[1] === 2) c.received++
    // the server's SyncStep1 says the connection joined the room: from now on it gets every broadcast
    if (data[0] === 0 && data[1] === 0) resolve(c)
  })
  ws.on('open', () => {
    ws.send(frame(0, Y.encodeStateVector(c.doc)))
  })
  ws.on('error', reject)
})))

const t0 = process.hrtime.bigint()
await Promise.all(clients.map(async (c, k) => {
  c.doc.on('update', (u) => c.ws.send(frame(2, u)))
  for (let i = 0; i < U; i++) {
    // each client appends to its own root text: the server relays without CRDT conflict scans (clients here do
    // not apply what they receive, so inserts into one shared text would all be concurrent with each other)
    const t = c.doc.getText('t' + k)
    t.insert(t.length, String.fromCharCode(97 + (k % 26)))
    if (c.ws.bufferedAmount > 1 << 20 || i % 50 === 0) await new Promise(resolve => setImmediate(resolve))
  }
}))
const deadline = Date.now() + 60000
while (clients.some(c => c.received < expected) && Date.now() < deadline) {
  await new Promise(resolve => setTimeout(resolve, 5))
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9
const delivered = clients.reduce((n, c) => n + c.received, 0)
console.log(JSON.stringify({ clients: C, updatesPerClient: U, delivered, expected: expected * C, seconds,
  deliveredPerSecond: Math.round(delivered / seconds) }))
clients.forEach(c => c.ws.terminate())
process.exit(delivered === expected * C ? 0 : 1)
