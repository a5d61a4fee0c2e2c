// Reconnect after a server restart: real yjs + y-websocket clients against ysync, driven by ColdRestartInteropIT.
// Room "quiet": two clients that change nothing while the server is down (their reconnect is answered from the
// stored cold state). Room "busy": one client deletes and inserts while the server is down (its reconnect must load
// the document and merge). Protocol on stdio: this script prints RESTART when both rooms are synced, waits for UP
// (the server is back on the same port), prints SYNCED when every client re-synced and converged, waits for CHECK
// (the test counted the loads), then compares every client with the server's document (GET /api/docs/<room>).
// Env: YSYNC_WS, YSYNC_HTTP, YSYNC_ROOM_PREFIX.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import * as readline from 'node:readline'

const WS = process.env.YSYNC_WS
const HTTP = process.env.YSYNC_HTTP
const prefix = process.env.YSYNC_ROOM_PREFIX || 'cold'
setTimeout(() => { console.error('cold-restart: timed out'); process.exit(2) }, 50000).unref()

const lines = readline.createInterface({ input: process.stdin })
const waiting = []
lines.on('line', line => { const w = waiting.shift(); if (w) w(line.trim()) })
const expect = async (word) => {
  const got = await new Promise(resolve => waiting.push(resolve))
  if (got !== word) throw new Error(`expected ${word} on stdin, got ${got}`)
}
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
const waitFor = async (what, cond, timeoutMs = 20000) => {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}
const assert = (cond, message) => { if (!cond) throw new Error('assertion failed: ' + message) }
const providers = []
const provider = (room, doc) => {
  const p = new WebsocketProvider(WS, room, doc, { WebSocketPolyfill: WebSocket, disableBc: true, maxBackoffTime: 300 })
  providers.push(p)
  return p
}
const text = doc => doc.getText('text').toString()
const serverText = async (room) => {
  const res = await fetch(`${HTTP}/api/docs/${encodeURIComponent(room)}`)
  if (res.status !== 200) throw new Error(`GET /api/docs/${room}: HTTP ${res.status}`)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()))
  return text(doc)
}

try {
  const quiet = `${prefix}-quiet`
  const busy = `${prefix}-busy`
  const q1 = new Y.Doc(); const q2 = new Y.Doc(); const b1 = new Y.Doc(); const b2 = new Y.Doc()
  const pq1 = provider(quiet, q1); const pq2 = provider(quiet, q2)
  const pb1 = provider(busy, b1); const pb2 = provider(busy, b2)
  await waitFor('first sync', () => providers.every(p => p.synced))
  q1.getText('text').insert(0, 'hello quiet world')
  await waitFor('quiet text arrives', () => text(q2) === 'hello quiet world')
  q2.getText('text').delete(0, 6)
  b1.getText('text').insert(0, 'hello busy world')
  await waitFor('rooms converge', () => text(q1) === 'quiet world' && text(b2) === 'hello busy world')
  b2.getText('text').delete(0, 6)
  await waitFor('busy deletion', () => text(b1) === 'busy world')
  await sleep(300) // echoes acknowledged: everything is stored
  console.log('RESTART')
  await waitFor('clients notice the restart', () => providers.every(p => !p.wsconnected))
  // offline in room busy: a deletion (does not advance the state vector) and an insertion
  b1.getText('text').delete(0, 5)
  b1.getText('text').insert(0, 'offline ')
  await expect('UP')
  await waitFor('re-sync after restart', () => providers.every(p => p.synced && p.wsconnected))
  await waitFor('busy converges', () => text(b1) === text(b2) && text(b2) === 'offline world')
  assert(text(q1) === text(q2), `quiet differs: ${text(q1)} / ${text(q2)}`)
  console.log('SYNCED')
  await expect('CHECK')
  assert(await serverText(quiet) === text(q1), 'server document of quiet differs')
  assert(await serverText(busy) === 'offline world', 'server document of busy differs')
  console.log(JSON.stringify({ ok: true, quiet: text(q1), busy: text(b1) }))
  providers.forEach(p => p.destroy())
  process.exit(0)
} catch (e) {
  console.error(`cold-restart failed: ${e.stack || e}`)
  providers.forEach(p => p.destroy())
  process.exit(1)
}
