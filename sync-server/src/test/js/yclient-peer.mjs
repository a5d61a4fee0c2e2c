// A real JS y-websocket client (yjs + WebsocketProvider on the `ws` package) driven line by line from a Java test
// (io.ysync.client.JsPeer): one JSON command per stdin line, one JSON answer per stdout line.
// Usage: node yclient-peer.mjs <ws-url> <room> [token]
// Commands: {"cmd":"edit","n":N,"seed":S} random string edits of text/map/array; {"cmd":"snapshot"} the document
// (text, map, array) and its state vector (base64); {"cmd":"awareness"} all awareness states by client id;
// {"cmd":"setAwareness","state":{...}|null}; {"cmd":"disconnect"}; {"cmd":"connect"}; {"cmd":"quit"}.
// Events (unsolicited lines): {"event":"synced"}.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import readline from 'node:readline'

const [url, room, token] = process.argv.slice(2)
const doc = new Y.Doc()
const provider = new WebsocketProvider(url, room, doc, {
  WebSocketPolyfill: WebSocket,
  disableBc: true,
  params: token ? { token } : {}
})
const out = obj => process.stdout.write(JSON.stringify(obj) + '\n')
provider.on('sync', synced => { if (synced) out({ event: 'synced' }) })

// a small deterministic generator (mulberry32), so a failing seed can be replayed
const rng = seed => () => {
  seed = (seed + 0x6D2B79F5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const edit = (n, seed) => {
  const r = rng(seed)
  const text = doc.getText('text')
  const map = doc.getMap('map')
  const array = doc.getArray('array')
  for (let i = 0; i < n; i++) {
    const op = Math.floor(r() * 6)
    const word = 'js' + Math.floor(r() * 1000)
    if (op === 0 || op === 1) {
      text.insert(Math.floor(r() * (text.length + 1)), word)
    } else if (op === 2 && text.length > 0) {
      const at = Math.floor(r() * text.length)
      text.delete(at, Math.min(text.length - at, 1 + Math.floor(r() * 3)))
    } else if (op === 3) {
      map.set('k' + Math.floor(r() * 8), word)
    } else if (op === 4) {
      array.insert(Math.floor(r() * (array.length + 1)), [word])
    } else if (array.length > 0) {
      array.delete(Math.floor(r() * array.length), 1)
    }
  }
}

const snapshot = () => ({
  json: { text: doc.getText('text').toString(), map: doc.getMap('map').toJSON(), array: doc.getArray('array').toJSON() },
  stateVector: Buffer.from(Y.encodeStateVector(doc)).toString('base64'),
  clientId: String(doc.clientID)
})

const rl = readline.createInterface({ input: process.stdin })
rl.on('line', line => {
  const c = JSON.parse(line)
  try {
    switch (c.cmd) {
      case 'edit': edit(c.n, c.seed); out({ ok: true }); break
      case 'snapshot': out(snapshot()); break
      case 'awareness': out({ states: Object.fromEntries(provider.awareness.getStates()) }); break
      case 'setAwareness': provider.awareness.setLocalState(c.state); out({ ok: true }); break
      case 'disconnect': provider.disconnect(); out({ ok: true }); break
      case 'connect': provider.connect(); out({ ok: true }); break
      case 'quit': provider.destroy(); out({ ok: true }); setTimeout(() => process.exit(0), 50); break
      default: out({ error: 'unknown command ' + c.cmd })
    }
  } catch (e) {
    out({ error: String(e && e.stack || e) })
  }
})
rl.on('close', () => { provider.destroy(); process.exit(0) })
