// Driver for the end-to-end convergence properties (io.ysync.e2e.ConvergenceE2eIT): hosts any number of real
// yjs + y-websocket clients (WebsocketProvider on the `ws` package, from the reactor's node_modules) and takes one
// JSON command per line on stdin; answers one JSON line per command on stdout, in order, with the command's id.
//
//   {"id":1,"cmd":"open","client":"js1","url":"ws://127.0.0.1:4000","room":"r","clientId":1}
//   {"id":2,"cmd":"edit","client":"js1","op":"textInsert","a":3,"b":0,"s":"xy"}   -> {"id":2,"ok":true,"did":"..."}
//   {"id":3,"cmd":"disconnect","client":"js1"} / "connect" / "close" / "status" ({connected, synced})
//   {"id":4,"cmd":"dump","client":"js1"}   -> {state, sv (base64), json (roots text/array/map, sorted keys, string)}
//   {"id":5,"cmd":"analyze","update":"<base64 V1>"} -> the same fields for a fresh Y.Doc (gc on) that applied the
//     update in one transaction: its state is the update's normalized form (see io.ysync.e2e.Convergence)
//   {"id":6,"cmd":"closeAll"} / {"id":7,"cmd":"exit"}
// Failures answer {"id":n,"ok":false,"error":"..."}. Edit positions are raw draws taken modulo the current lengths,
// exactly as io.ysync.e2e.EditOp does for Java clients; "did" is the edit as executed (e.g. text.insert(3, "xy")).
// The process exits when stdin closes (the Java side died) or after YSYNC_E2E_MAX_MS (default 30 min).
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import * as readline from 'node:readline'

process.setMaxListeners(0) // every WebsocketProvider adds a process 'exit' listener
setTimeout(() => {
  console.error('e2e-client: lifetime exceeded, exiting')
  process.exit(3)
}, Number(process.env.YSYNC_E2E_MAX_MS || 30 * 60 * 1000)).unref()

/** @type {Map<string, {doc: Y.Doc, provider: WebsocketProvider}>} */
const clients = new Map()

const b64 = bytes => Buffer.from(bytes).toString('base64')
const unb64 = s => new Uint8Array(Buffer.from(s, 'base64'))

const sortKeys = v => Array.isArray(v)
  ? v.map(sortKeys)
  : v !== null && typeof v === 'object' && !(v instanceof Uint8Array)
    ? Object.fromEntries(Object.keys(v).sort().map(k => [k, sortKeys(v[k])]))
    : v

/** The three roots every schedule edits, as sorted-key JSON (Y.Map key order is per replica, not shared). */
const json = doc => JSON.stringify(sortKeys({
  text: doc.getText('text').toString(),
  array: doc.getArray('array').toJSON(),
  map: doc.getMap('map').toJSON()
}))

const describe = doc => ({
  state: b64(Y.encodeStateAsUpdate(doc)),
  sv: b64(Y.encodeStateVector(doc)),
  json: json(doc)
})

const quote = s => JSON.stringify(s)

/** Applies one edit; positions and counts are taken modulo the current lengths. Returns the edit as executed. */
const edit = (doc, c) => {
  const text = doc.getText('text')
  const array = doc.getArray('array')
  const map = doc.getMap('map')
  switch (c.op) {
    case 'textInsert': {
      const at = c.a % (text.length + 1)
      text.insert(at, c.s)
      return `text.insert(${at}, ${quote(c.s)})`
    }
    case 'textDelete': {
      if (text.length === 0) return 'text.delete: text empty, nothing to do'
      const at = c.a % text.length
      const n = 1 + c.b % Math.min(text.length - at, 8)
      text.delete(at, n)
      return `text.delete(${at}, ${n})`
    }
    case 'mapSet': {
      const key = 'k' + c.a
      const value = JSON.parse(c.s)
      map.set(key, value)
      return `map.set(${quote(key)}, ${c.s})`
    }
    case 'mapDelete': {
      const key = 'k' + c.a
      map.delete(key)
      return `map.delete(${quote(key)})`
    }
    case 'arrayPush': {
      const values = JSON.parse(c.s)
      array.push(values)
      return `array.push(${c.s})`
    }
    case 'arrayInsert': {
      const at = c.a % (array.length + 1)
      array.insert(at, JSON.parse(c.s))
      return `array.insert(${at}, ${c.s})`
    }
    case 'arrayDelete': {
      if (array.length === 0) return 'array.delete: array empty, nothing to do'
      const at = c.a % array.length
      const n = 1 + c.b % Math.min(array.length - at, 4)
      array.delete(at, n)
      return `array.delete(${at}, ${n})`
    }
    default:
      throw new Error('unknown edit ' + c.op)
  }
}

const client = name => {
  const c = clients.get(name)
  if (!c) throw new Error('no client ' + name)
  return c
}

const commands = {
  open (c) {
    if (clients.has(c.client)) throw new Error('client exists: ' + c.client)
    const doc = new Y.Doc()
    if (c.clientId) doc.clientID = c.clientId
    const provider = new WebsocketProvider(c.url, c.room, doc, {
      WebSocketPolyfill: WebSocket,
      disableBc: true,
      maxBackoffTime: c.maxBackoffMs || 400
    })
    clients.set(c.client, { doc, provider })
    return {}
  },
  connect (c) {
    client(c.client).provider.connect()
    return {}
  },
  disconnect (c) {
    client(c.client).provider.disconnect()
    return {}
  },
  status (c) {
    const p = client(c.client).provider
    return { connected: p.wsconnected, synced: p.synced && p.wsconnected }
  },
  edit (c) {
    return { did: edit(client(c.client).doc, c) }
  },
  dump (c) {
    return describe(client(c.client).doc)
  },
  analyze (c) {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, unb64(c.update))
    return describe(doc)
  },
  close (c) {
    const { doc, provider } = client(c.client)
    provider.destroy()
    doc.destroy()
    clients.delete(c.client)
    return {}
  },
  closeAll () {
    for (const name of [...clients.keys()]) commands.close({ client: name })
    return {}
  },
  exit () {
    commands.closeAll()
    setTimeout(() => process.exit(0), 10)
    return {}
  }
}

const rl = readline.createInterface({ input: process.stdin })
rl.on('line', line => {
  let c = {}
  let answer
  try {
    c = JSON.parse(line)
    const run = commands[c.cmd]
    if (!run) throw new Error('unknown command ' + c.cmd)
    answer = { id: c.id, ok: true, ...run(c) }
  } catch (e) {
    answer = { id: c.id, ok: false, error: String(e && e.stack ? e.stack : e) }
  }
  process.stdout.write(JSON.stringify(answer) + '\n')
})
rl.on('close', () => {
  for (const { provider } of clients.values()) provider.destroy()
  process.exit(0)
})
