// The real @hocuspocus/provider 4.x and the real y-websocket WebsocketProvider on one ysync server, one document
// shared by both kinds of clients. Usage: node hocuspocus-interop.mjs
// Env: YSYNC_WS (ws://127.0.0.1:port), YSYNC_HTTP (http://127.0.0.1:port), YSYNC_HOCUSPOCUS_PATH (/hocuspocus),
// YSYNC_TOKEN_RW (docs: shared, second, ro-doc is not in it; forbidden is not either), YSYNC_TOKEN_RO (read-only,
// docs ro-*), YSYNC_TOKEN_ADMIN (rw, every document: REST reads), YSYNC_TOKEN_SHORT (rw, shared, expires within
// seconds). Exit status 0 = pass; a failure's reason goes to stderr.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import WebSocket from 'ws'

process.setMaxListeners(0)
const WS = process.env.YSYNC_WS
const HTTP = process.env.YSYNC_HTTP
const PATH = process.env.YSYNC_HOCUSPOCUS_PATH || '/hocuspocus'
const RW = process.env.YSYNC_TOKEN_RW
const RO = process.env.YSYNC_TOKEN_RO
const ADMIN = process.env.YSYNC_TOKEN_ADMIN
const TIMEOUT_MS = Number(process.env.YSYNC_SCENARIO_TIMEOUT_MS || 45000)

setTimeout(() => {
  console.error(`timed out after ${TIMEOUT_MS} ms`)
  process.exit(2)
}, TIMEOUT_MS).unref()

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
const waitFor = async (what, cond, timeoutMs = 15000) => {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
  console.log('ok: ' + what)
}
const check = (what, cond) => {
  if (!cond) throw new Error('failed: ' + what)
  console.log('ok: ' + what)
}

// y-websocket would report a message type it does not know (a stateless message reaching it) on console.error
const consoleErrors = []
const origError = console.error
console.error = (...args) => { consoleErrors.push(args.map(String).join(' ')); origError(...args) }

const socket = () => new HocuspocusProviderWebsocket({ url: WS + PATH, WebSocketPolyfill: WebSocket })
const hocuspocus = (ws, name, token, doc = new Y.Doc()) => {
  const events = { stateless: [], authenticated: [], failed: [], closed: [] }
  const p = new HocuspocusProvider({
    websocketProvider: ws,
    name,
    document: doc,
    token,
    onStateless: ({ payload }) => events.stateless.push(payload),
    onAuthenticated: ({ scope }) => events.authenticated.push(scope),
    onAuthenticationFailed: ({ reason }) => events.failed.push(reason),
    onClose: ({ event }) => events.closed.push(event)
  })
  p.attach() // a shared socket: providers attach themselves
  p.events = events
  return p
}
const text = p => p.document.getText('t').toString()
const serverText = async (room) => {
  const res = await fetch(`${HTTP}/api/docs/${encodeURIComponent(room)}?format=json&roots=t:text&token=${ADMIN}`)
  if (res.status !== 200) throw new Error(`GET /api/docs/${room}: HTTP ${res.status}`)
  return (await res.json()).t
}
const metric = async (name) => {
  const res = await fetch(`${HTTP}/metrics?token=${ADMIN}`)
  const line = (await res.text()).split('\n').find(l => l.startsWith(name + ' '))
  return Number(line.split(' ')[1])
}

// one Hocuspocus socket with four documents: shared (read-write), second, ro-doc (read-only token), forbidden
const ws1 = socket()
const a = hocuspocus(ws1, 'shared', RW)
const second = hocuspocus(ws1, 'second', RW)
const readOnly = hocuspocus(ws1, 'ro-doc', RO)
const forbidden = hocuspocus(ws1, 'forbidden', RW)
// another Hocuspocus socket and a y-websocket client on the shared document
const ws2 = socket()
const b = hocuspocus(ws2, 'shared', RW)
const yDoc = new Y.Doc()
const y = new WebsocketProvider(WS, 'shared', yDoc, { WebSocketPolyfill: WebSocket, disableBc: true,
  params: { token: RW } })

await waitFor('hocuspocus providers synced', () => a.synced && b.synced && second.synced && readOnly.synced)
await waitFor('y-websocket provider synced', () => y.synced)
check('shared is read-write', a.authorizedScope === 'read-write' && a.events.authenticated[0] === 'read-write')
check('ro-doc is readonly', readOnly.authorizedScope === 'readonly')
await waitFor('forbidden document refused (PermissionDenied)', () => forbidden.events.failed.length === 1)
check('the refusal says why', forbidden.events.failed[0] === 'token does not grant access to this document')
check('the socket stayed open', ws1.status === 'connected')

// text both ways, and the acknowledgements bring unsyncedChanges back to 0
a.document.getText('t').insert(0, 'hello from hocuspocus')
await waitFor('y-websocket sees the hocuspocus edit', () => yDoc.getText('t').toString() === 'hello from hocuspocus')
yDoc.getText('t').insert(0, '[y] ')
await waitFor('hocuspocus sees the y-websocket edit', () => text(a) === '[y] hello from hocuspocus')
await waitFor('the other hocuspocus socket converges', () => text(b) === '[y] hello from hocuspocus')
await waitFor('unsyncedChanges back to 0', () => a.unsyncedChanges === 0 && !a.hasUnsyncedChanges)
for (let i = 0; i < 20; i++) a.document.getText('t').insert(0, String(i % 10))
await waitFor('20 more edits acknowledged', () => a.unsyncedChanges === 0)
check('server document', (await serverText('shared')) === text(a))

// awareness both ways
a.setAwarenessField('user', { name: 'hp' })
y.awareness.setLocalStateField('user', { name: 'yws' })
const names = states => [...states.values()].map(s => s.user && s.user.name).filter(Boolean).sort().join(',')
await waitFor('hocuspocus sees y-websocket awareness', () => names(a.awareness.getStates()).includes('yws'))
await waitFor('y-websocket sees hocuspocus awareness', () => names(y.awareness.getStates()).includes('hp'))

// stateless: between the hocuspocus clients of the document, never back to the sender nor to y-websocket
a.sendStateless(JSON.stringify({ typing: true }))
await waitFor('stateless relayed to the other hocuspocus client', () => b.events.stateless.length === 1)
check('payload intact', b.events.stateless[0] === '{"typing":true}')
const rest = await fetch(`${HTTP}/api/docs/shared/stateless?token=${RW}`, { method: 'POST', body: 'item.moved' })
check('POST /api/docs/shared/stateless', rest.status === 200)
await waitFor('REST stateless reaches both', () => a.events.stateless.includes('item.moved') &&
  b.events.stateless.includes('item.moved'))
check('the sender did not get its own message back', !a.events.stateless.includes('{"typing":true}'))
check('y-websocket got no stateless message', consoleErrors.length === 0)

// read-only: writes are refused with SyncStatus 0, the socket stays, the document is unchanged
readOnly.document.getText('t').insert(0, 'should not be stored')
await sleep(500)
check('the read-only write stays unsynced', readOnly.unsyncedChanges > 0)
check('ro-doc unchanged on the server', (await serverText('ro-doc')) === '')
check('the socket is still connected', ws1.status === 'connected')

// Close for one document (detach) leaves the others on the socket working
const sessionsBefore = await metric('ysync_hocuspocus_sessions')
second.detach()
for (let i = 0; i < 100 && (await metric('ysync_hocuspocus_sessions')) !== sessionsBefore - 1; i++) await sleep(20)
check('one session less on the server', (await metric('ysync_hocuspocus_sessions')) === sessionsBefore - 1)
a.document.getText('t').insert(0, '>')
await waitFor('shared still syncs after the Close of second', () => yDoc.getText('t').toString() === text(a))
check('the socket is still connected after the Close', ws1.status === 'connected')

// token expiry: the server asks for the current token (Auth Token request) and the provider's token function gives
// a fresh one; the document stays open and the socket is not closed with 4401
const tokens = [process.env.YSYNC_TOKEN_SHORT]
let asked = 0
const ws3 = socket()
let closedWith = null
ws3.on('close', ({ event }) => { closedWith = event.code })
const refreshing = hocuspocus(ws3, 'shared', () => { asked++; return tokens.shift() || RW })
await waitFor('provider with a short-lived token synced', () => refreshing.synced)
await waitFor('the server asked for the token again at its expiry', () => asked >= 2, 10000)
await sleep(1500)
refreshing.document.getText('t').insert(0, '+')
await waitFor('the refreshed document still syncs', () => text(a) === text(refreshing) && text(a).startsWith('+'))
check('no 4401: the socket stayed open', closedWith === null && ws3.status === 'connected')

for (const p of [a, second, readOnly, forbidden, b, refreshing]) p.destroy()
ws3.destroy()
ws1.destroy()
ws2.destroy()
y.destroy()
console.log('all checks passed')
process.exit(0)
