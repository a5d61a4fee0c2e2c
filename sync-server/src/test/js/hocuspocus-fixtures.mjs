// Prints the Hocuspocus messages that HocuspocusCodecTest checks, one JSON object per line ({"name", "hex"}):
// the client's frames as a real @hocuspocus/provider 4.8.0 sends them (captured by a bare `ws` server, so nothing
// but the provider decides their bytes), and the server's messages as @hocuspocus/server 4.x writes them
// (OutgoingMessage.ts: lib0 encoding with @hocuspocus/common's auth helpers). Deterministic: fixed client ids and
// states. Usage: node hocuspocus-fixtures.mjs
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import * as encoding from 'lib0/encoding'
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import WebSocket, { WebSocketServer } from 'ws'

// the provider's own @hocuspocus/common (4.x; the top-level one may be @hocuspocus/server 3.x's)
const { writeAuthenticated, writePermissionDenied, writeTokenSyncRequest } = await import(
  '../../../../node_modules/@hocuspocus/provider/node_modules/@hocuspocus/common/dist/hocuspocus-common.esm.js')
  .catch(() => import('@hocuspocus/common'))

const hex = b => Buffer.from(b).toString('hex')
const out = (name, bytes) => console.log(JSON.stringify({ name, hex: hex(bytes) }))
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

// ---- client -> server, captured from the real provider ----
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
const frames = []
wss.on('connection', ws => ws.on('message', data => frames.push(new Uint8Array(data))))
await new Promise(resolve => wss.on('listening', resolve))
const socket = new HocuspocusProviderWebsocket({
  url: `ws://127.0.0.1:${wss.address().port}`, WebSocketPolyfill: WebSocket
})
const doc = new Y.Doc()
doc.clientID = 1234
doc.getText('t').insert(0, 'hi') // something for SyncStep1 to announce
const awareness = new Awareness(doc)
awareness.setLocalState({ user: 'ann' })
const provider = new HocuspocusProvider({ websocketProvider: socket, name: 'doc-a', document: doc, awareness,
  token: 'tok-1' })
provider.attach()
await sleep(500)
provider.sendStateless('{"typing":true}')
doc.getText('t').insert(2, '!')
await sleep(200)
const session = new HocuspocusProvider({ websocketProvider: socket, name: 'doc-a', document: new Y.Doc(),
  token: 'tok-2', sessionAwareness: true })
session.sessionId = 's1' // deterministic routing key
session.attach()
await sleep(300)
provider.detach() // sends Close for doc-a
await sleep(300)
// the first frame of each kind, in the order the provider sent them
const byType = { 'client-auth': [], 'client-sync-step1': [], 'client-awareness': [], 'client-stateless': [],
  'client-update': [], 'client-session-auth': [], 'client-session-sync-step1': [], 'client-close': [] }
for (const f of frames) {
  const session = f[0] === 8 && f[6] === 0 // "doc-a\0s1": length 8, then the separator at index 6
  const type = f[f[0] + 1]
  const sub = f[f[0] + 2]
  const name = type === 2 ? (session ? 'client-session-auth' : 'client-auth')
    : type === 0 && sub === 0 ? (session ? 'client-session-sync-step1' : 'client-sync-step1')
      : type === 0 && sub === 2 ? 'client-update'
        : type === 1 ? 'client-awareness' : type === 5 ? 'client-stateless' : type === 7 ? 'client-close' : null
  if (name && byType[name].length === 0 && !(session && type === 1)) byType[name].push(f)
}
for (const [name, list] of Object.entries(byType)) {
  if (list.length === 0) throw new Error('the provider sent no ' + name)
  out(name, list[0])
}
provider.destroy()
session.destroy()
socket.destroy()
wss.close()

// ---- server -> client, as @hocuspocus/server 4.x OutgoingMessage writes them ----
const server = (name, write) => {
  const e = encoding.createEncoder()
  encoding.writeVarString(e, 'doc-a')
  write(e)
  out(name, encoding.toUint8Array(e))
}
server('server-authenticated-rw', e => { encoding.writeVarUint(e, 2); writeAuthenticated(e, 'read-write') })
server('server-authenticated-ro', e => { encoding.writeVarUint(e, 2); writeAuthenticated(e, 'readonly') })
server('server-permission-denied', e => { encoding.writeVarUint(e, 2); writePermissionDenied(e, 'no access') })
server('server-token-request', e => { encoding.writeVarUint(e, 2); writeTokenSyncRequest(e) })
server('server-sync-status-applied', e => { encoding.writeVarUint(e, 8); encoding.writeVarUint(e, 1) })
server('server-sync-status-refused', e => { encoding.writeVarUint(e, 8); encoding.writeVarUint(e, 0) })
server('server-stateless', e => { encoding.writeVarUint(e, 5); encoding.writeVarString(e, 'ping ✓') })
server('server-close', e => { encoding.writeVarUint(e, 7); encoding.writeVarString(e, 'provider_initiated') })
process.exit(0)
