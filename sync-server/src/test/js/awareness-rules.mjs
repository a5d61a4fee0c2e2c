// Awareness rules against stock clients: yjs + y-websocket WebsocketProvider (on the `ws` package) with a running
// ysync server. Stock providers send every awareness change they receive back to the server; the server's ownership
// rules must take that as normal traffic, while a raw socket that spoofs another client's id changes nothing.
// Usage: node awareness-rules.mjs <scenario>
// Env: YSYNC_WS (ws://127.0.0.1:port), YSYNC_TOKEN_RW, YSYNC_TOKEN_RO (the read-only token grants read-only-* rooms).
// Exit status 0 = pass; the reason of a failure is printed on stderr.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import * as encoding from 'lib0/encoding'

process.setMaxListeners(0) // every WebsocketProvider adds a process 'exit' listener
const scenario = process.argv[2]
const WS = process.env.YSYNC_WS
const RW = process.env.YSYNC_TOKEN_RW || ''
const RO = process.env.YSYNC_TOKEN_RO || ''

setTimeout(() => {
  console.error(`scenario ${scenario}: timed out`)
  process.exit(2)
}, 45000).unref()

const providers = []
const provider = (room, token) => {
  const p = new WebsocketProvider(WS, room, new Y.Doc(), {
    WebSocketPolyfill: WebSocket,
    disableBc: true,
    params: token ? { token } : {}
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

const assert = (cond, message) => {
  if (!cond) throw new Error('assertion failed: ' + message)
}

const synced = p => waitFor('sync of ' + p.roomname, () => p.synced)
const nameAt = (observer, clientId) => observer.awareness.getStates().get(clientId)?.user?.name
const room = `${scenario}-${process.pid}-${Date.now()}`

const scenarios = {
  // six clients, a late joiner, a burst of cursor moves and a departure: every client sees every change
  async 'stock-clients' () {
    const ps = []
    for (let i = 0; i < 6; i++) {
      const p = provider(room, RW)
      ps.push(p)
      await synced(p)
      p.awareness.setLocalStateField('user', { name: 'u' + i })
    }
    const everyoneSees = (observers, subjects) => observers.every(o => subjects.every((s, i) =>
      nameAt(o, s.doc.clientID) === 'u' + ps.indexOf(s)))
    await waitFor('6 x 6 states', () => everyoneSees(ps, ps))
    const late = provider(room, RW)
    await synced(late)
    await waitFor('the late joiner sees 6', () => everyoneSees([late], ps))
    for (let k = 0; k < 20; k++) {
      ps[0].awareness.setLocalStateField('cursor', { index: k })
      await sleep(5)
    }
    await waitFor('the last cursor everywhere', () => [...ps, late].every(o =>
      o.awareness.getStates().get(ps[0].doc.clientID)?.cursor?.index === 19))
    const leaving = ps[5].doc.clientID
    ps[5].disconnect()
    await waitFor('the departure everywhere', () => [...ps.slice(0, 5), late].every(o =>
      !o.awareness.getStates().has(leaving)), 10000)
    assert([...ps.slice(0, 5), late].every(p => p.wsconnected), 'a stock client was disconnected')
  },

  // a raw socket sends the victim's id with clock + 1 and a fake name: nobody, the victim included, shows it
  async spoof () {
    const victim = provider(room, RW)
    const observer = provider(room, RW)
    await synced(victim)
    await synced(observer)
    victim.awareness.setLocalStateField('user', { name: 'alice' })
    const id = victim.doc.clientID
    await waitFor('alice at the observer', () => nameAt(observer, id) === 'alice')
    const clock = observer.awareness.meta.get(id).clock
    const update = encoding.createEncoder()
    encoding.writeVarUint(update, 1)
    encoding.writeVarUint(update, id)
    encoding.writeVarUint(update, clock + 1)
    encoding.writeVarString(update, JSON.stringify({ user: { name: 'mallory' } }))
    const message = encoding.createEncoder()
    encoding.writeVarUint(message, 1) // messageAwareness
    encoding.writeVarUint8Array(message, encoding.toUint8Array(update))
    const raw = new WebSocket(`${WS}/${room}${RW ? '?token=' + RW : ''}`)
    await new Promise((resolve, reject) => { raw.on('open', resolve); raw.on('error', reject) })
    raw.send(encoding.toUint8Array(message))
    await sleep(1000)
    // the victim's next change is seen as its own, with its own clock
    victim.awareness.setLocalStateField('cursor', { index: 1 })
    await waitFor('the victim\'s next change', () => observer.awareness.getStates().get(id)?.cursor?.index === 1)
    assert(nameAt(observer, id) === 'alice', `the observer shows ${nameAt(observer, id)}`)
    assert(nameAt(victim, id) === 'alice', `the victim shows ${nameAt(victim, id)}`)
    raw.close()
  },

  // a read-only viewer (the server's --read-only-awareness off): sees everyone, is shown to nobody, stays connected
  async 'read-only-viewer' () {
    const roRoom = 'read-only-' + room
    const writer = provider(roRoom, RW)
    const viewer = provider(roRoom, RO)
    await synced(writer)
    await synced(viewer)
    writer.awareness.setLocalStateField('user', { name: 'writer' })
    viewer.awareness.setLocalStateField('user', { name: 'viewer' })
    await waitFor('the writer at the viewer', () => nameAt(viewer, writer.doc.clientID) === 'writer')
    await sleep(1000)
    assert(!writer.awareness.getStates().has(viewer.doc.clientID), 'the read-only viewer is shown')
    assert(viewer.wsconnected, 'the viewer was disconnected')
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
