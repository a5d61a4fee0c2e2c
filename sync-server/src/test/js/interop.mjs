// Interop scenarios: the real Yjs client stack (yjs + y-websocket WebsocketProvider on the `ws` package) against
// a running ysync server. Usage: node interop.mjs <scenario>
// Env: YSYNC_WS (ws://127.0.0.1:port), YSYNC_HTTP (http://127.0.0.1:port), YSYNC_TOKEN_RW, YSYNC_TOKEN_RO
// (tokens optional: dev mode). Exit status 0 = pass; the reason of a failure is printed on stderr.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

process.setMaxListeners(0) // every WebsocketProvider adds a process 'exit' listener
const scenario = process.argv[2]
const WS = process.env.YSYNC_WS
const HTTP = process.env.YSYNC_HTTP
const RW = process.env.YSYNC_TOKEN_RW || ''
const RO = process.env.YSYNC_TOKEN_RO || ''
const TIMEOUT_MS = Number(process.env.YSYNC_SCENARIO_TIMEOUT_MS || 45000)

setTimeout(() => {
  console.error(`scenario ${scenario}: timed out after ${TIMEOUT_MS} ms`)
  process.exit(2)
}, TIMEOUT_MS).unref()

const providers = []
const provider = (room, doc, token, opts = {}) => {
  const p = new WebsocketProvider(WS, room, doc, {
    WebSocketPolyfill: WebSocket,
    disableBc: true,
    params: token ? { token } : {},
    ...opts
  })
  providers.push(p)
  return p
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

const waitFor = async (what, cond, timeoutMs = 20000) => {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

const synced = (p) => waitFor('sync of ' + p.roomname, () => p.synced)

const sortKeys = v => Array.isArray(v)
  ? v.map(sortKeys)
  : v !== null && typeof v === 'object' && !(v instanceof Uint8Array)
    ? Object.fromEntries(Object.keys(v).sort().map(k => [k, sortKeys(v[k])]))
    : v

const snapshot = doc => JSON.stringify(sortKeys({
  text: doc.getText('text').toString(),
  array: doc.getArray('array').toJSON(),
  map: doc.getMap('map').toJSON()
}))

const serverDoc = async (room) => {
  const res = await fetch(`${HTTP}/api/docs/${encodeURIComponent(room)}${RW ? '?token=' + RW : ''}`)
  if (res.status !== 200) throw new Error(`GET /api/docs/${room}: HTTP ${res.status}`)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()))
  return doc
}

const assert = (cond, message) => {
  if (!cond) throw new Error('assertion failed: ' + message)
}

const room = `${scenario}-${process.pid}-${Date.now()}`

const scenarios = {
  async 'two-clients' () {
    const d1 = new Y.Doc()
    const d2 = new Y.Doc()
    const p1 = provider(room, d1, RW)
    const p2 = provider(room, d2, RW)
    await synced(p1)
    await synced(p2)
    for (let i = 0; i < 50; i++) {
      d1.getText('text').insert(0, 'a')
      d2.getText('text').insert(d2.getText('text').length, 'b')
      d1.getMap('map').set('k' + (i % 5), i)
      d2.getMap('map').set('k' + (i % 7), -i)
      d2.getArray('array').push([i, { n: i, s: 'ü😀' }])
      if (i % 10 === 0) await sleep(5)
    }
    await waitFor('convergence', () => snapshot(d1) === snapshot(d2) && d1.getText('text').length === 100 &&
      d1.getArray('array').length === 100)
    const server = await serverDoc(room)
    assert(snapshot(server) === snapshot(d1), `server ${snapshot(server)} != client ${snapshot(d1)}`)
    // the JSON view of the HTTP API
    const auth = RW ? '&token=' + RW : ''
    const json = await (await fetch(`${HTTP}/api/docs/${room}?format=json&roots=text:text,array:array,map:map${auth}`)).json()
    assert(JSON.stringify(sortKeys(json)) === snapshot(d1), `JSON view ${JSON.stringify(json)}`)
    // a diff against a state vector (?sv=) completes an older replica
    const old = new Y.Doc()
    Y.applyUpdate(old, Y.encodeStateAsUpdate(d1))
    d1.getText('text').insert(0, 'NEW')
    await sleep(300)
    const sv = Buffer.from(Y.encodeStateVector(old)).toString('base64')
    const diff = new Uint8Array(await (await fetch(`${HTTP}/api/docs/${room}?sv=${encodeURIComponent(sv)}${auth}`)).arrayBuffer())
    Y.applyUpdate(old, diff)
    assert(snapshot(old) === snapshot(d1), 'diff did not complete the older replica')
    assert(diff.length < Y.encodeStateAsUpdate(d1).length, 'diff is not smaller than the full state')
    // POST /api/docs/<room>/update applies and broadcasts
    const other = new Y.Doc()
    other.getMap('map').set('posted', true)
    const res = await fetch(`${HTTP}/api/docs/${room}/update${RW ? '?token=' + RW : ''}`,
      { method: 'POST', body: Y.encodeStateAsUpdate(other) })
    assert(res.status === 200, `POST update: HTTP ${res.status}`)
    await waitFor('posted update reaches the clients', () => d1.getMap('map').get('posted') === true &&
      d2.getMap('map').get('posted') === true)
  },

  async 'twenty-clients' () {
    const n = 20
    const docs = []
    for (let i = 0; i < n; i++) {
      const d = new Y.Doc()
      docs.push(d)
      provider(room, d, RW)
    }
    await Promise.all(providers.map(synced))
    await Promise.all(docs.map(async (d, k) => {
      for (let i = 0; i < 20; i++) {
        d.transact(() => {
          d.getArray('array').push([`${k}:${i}`])
          d.getText('text').insert(Math.min(d.getText('text').length, i), String.fromCharCode(97 + k))
          d.getMap('map').set('c' + k, i)
        })
        await sleep(Math.floor(Math.random() * 10))
      }
    }))
    await waitFor('convergence of 20 clients', () => {
      const s = snapshot(docs[0])
      return docs[0].getArray('array').length === n * 20 && docs.every(d => snapshot(d) === s)
    }, 30000)
    const server = await serverDoc(room)
    assert(snapshot(server) === snapshot(docs[0]), 'server document differs from the clients')
  },

  async awareness () {
    const d1 = new Y.Doc()
    const d2 = new Y.Doc()
    const p1 = provider(room, d1, RW)
    const p2 = provider(room, d2, RW)
    await synced(p1)
    await synced(p2)
    p1.awareness.setLocalStateField('user', { name: 'Alice', color: '#ff0000' })
    await waitFor('Alice in the second client', () => p2.awareness.getStates().get(d1.clientID)?.user?.name === 'Alice')
    // a newcomer gets the states on connect
    const d3 = new Y.Doc()
    const p3 = provider(room, d3, RW)
    await synced(p3)
    await waitFor('Alice in the newcomer', () => p3.awareness.getStates().get(d1.clientID)?.user?.name === 'Alice')
    // Alice's connection goes away without saying goodbye: the server removes her state (no ghost cursor),
    // long before the 30 s awareness timeout
    const t0 = Date.now()
    p1.disconnect()
    await waitFor('Alice removed', () => !p2.awareness.getStates().has(d1.clientID) &&
      !p3.awareness.getStates().has(d1.clientID), 10000)
    assert(Date.now() - t0 < 10000, 'removal took too long')
  },

  async offline () {
    const d1 = new Y.Doc()
    const d2 = new Y.Doc()
    const p1 = provider(room, d1, RW)
    const p2 = provider(room, d2, RW)
    await synced(p1)
    await synced(p2)
    d1.getText('text').insert(0, 'shared ')
    await waitFor('first edit', () => d2.getText('text').toString() === 'shared ')
    p1.disconnect()
    await waitFor('p1 offline', () => !p1.wsconnected)
    for (let i = 0; i < 20; i++) {
      d1.getText('text').insert(0, 'x')
      d1.getArray('array').push(['offline-' + i])
      d2.getText('text').insert(d2.getText('text').length, 'y')
      d2.getMap('map').set('online', i)
    }
    await sleep(500)
    assert(!d2.getText('text').toString().includes('x'), 'offline edits leaked')
    p1.connect()
    await synced(p1)
    await waitFor('merge after reconnect', () => snapshot(d1) === snapshot(d2) &&
      d1.getArray('array').length === 20 && d1.getText('text').length === 47)
    const server = await serverDoc(room)
    assert(snapshot(server) === snapshot(d1), 'server document differs after the merge')
  },

  async 'read-only' () {
    assert(RO, 'YSYNC_TOKEN_RO missing')
    const dw = new Y.Doc()
    const dr = new Y.Doc()
    const pw = provider(room, dw, RW)
    const pr = provider(room, dr, RO)
    await synced(pw)
    await synced(pr)
    const denied = []
    const origWarn = console.warn
    console.warn = (...args) => { denied.push(args.join(' ')) }
    dr.getText('text').insert(0, 'FORBIDDEN')
    dw.getText('text').insert(0, 'hello')
    await waitFor('read-only client receives updates', () => dr.getText('text').toString().includes('hello'))
    await waitFor('permission denied message', () => denied.some(m => m.includes('Permission denied')), 10000)
    console.warn = origWarn
    await sleep(300)
    assert(!dw.getText('text').toString().includes('FORBIDDEN'), 'read-only edit reached another client')
    const server = await serverDoc(room)
    assert(server.getText('text').toString() === 'hello', `server text is '${server.getText('text')}'`)
  },

  async 'token-expiry' () {
    const short = process.env.YSYNC_TOKEN_SHORT
    assert(short, 'YSYNC_TOKEN_SHORT missing')
    const d = new Y.Doc()
    const p = provider(room, d, short)
    let closed = null
    p.on('closed', (event) => { closed = event })
    await synced(p)
    // the server closes with 4401 when the token expires; y-websocket treats 44xx as permanent
    await waitFor('close 4401', () => closed !== null, 15000)
    assert(closed.code === 4401, `close code ${closed.code}`)
    await sleep(1000)
    assert(!p.wsconnected && !p.shouldConnect, 'the provider reconnected after 4401')
  },

  async 'bad-token' () {
    const status = (query) => new Promise((resolve) => {
      const ws = new WebSocket(`${WS}/${room}${query}`)
      ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode); ws.terminate() })
      ws.on('open', () => { resolve('open'); ws.close() })
      ws.on('error', () => {})
    })
    const none = await status('')
    const bad = await status('?token=not.a.token')
    const forged = await status('?token=' + RW.slice(0, -4) + 'AAAA')
    assert(none === 401 && bad === 401 && forged === 401, `statuses ${none} ${bad} ${forged}`)
    // and a provider with a bad token never syncs
    const d = new Y.Doc()
    const p = provider(room, d, 'not.a.token', { maxBackoffTime: 200 })
    await sleep(1500)
    assert(!p.synced && !p.wsconnected, 'provider with a bad token got connected')
  }
}

try {
  const run = scenarios[scenario]
  if (!run) throw new Error(`unknown scenario '${scenario}'; known: ${Object.keys(scenarios).join(', ')}`)
  await run()
  console.log(JSON.stringify({ scenario, ok: true }))
  providers.forEach(p => p.destroy())
  process.exit(0)
} catch (e) {
  console.error(`scenario ${scenario} failed: ${e.stack || e}`)
  providers.forEach(p => p.destroy())
  process.exit(1)
}
