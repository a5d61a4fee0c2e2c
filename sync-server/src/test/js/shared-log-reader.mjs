// A stock yjs + y-websocket reader for SharedLogProcessIT: connects one WebsocketProvider to a room, waits for the
// first sync, and prints the keys of map "m" on one line: "KEYS <k1>,<k2>,..." (sorted; empty after the space when
// the map is empty). Exit status 0 = synced and printed; the reason of a failure is printed on stderr.
// Env: YSYNC_WS (ws://127.0.0.1:port), YSYNC_ROOM, YSYNC_SCENARIO_TIMEOUT_MS (default 30000).
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

const WS = process.env.YSYNC_WS
const ROOM = process.env.YSYNC_ROOM
const TIMEOUT_MS = Number(process.env.YSYNC_SCENARIO_TIMEOUT_MS || 30000)

setTimeout(() => {
  console.error(`shared-log-reader: not synced with ${WS}/${ROOM} after ${TIMEOUT_MS} ms`)
  process.exit(2)
}, TIMEOUT_MS).unref()

const doc = new Y.Doc()
const provider = new WebsocketProvider(WS, ROOM, doc, { WebSocketPolyfill: WebSocket, disableBc: true })
provider.on('sync', synced => {
  if (!synced) return
  const keys = [...doc.getMap('m').keys()].sort()
  process.stdout.write(`KEYS ${keys.join(',')}\n`, () => {
    provider.destroy()
    process.exit(0)
  })
})
