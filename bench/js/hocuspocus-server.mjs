// @hocuspocus/server (pinned in package.json) with no extensions: documents live in memory only, as in
// @y/websocket-server without persistence. Used by bench/run-compare.sh and the bench tests.
//
//   PORT=1234 [HOST=127.0.0.1] node bench/js/hocuspocus-server.mjs
//
// Prints "hocuspocus listening on HOST:PORT" once it accepts connections; stops on SIGTERM/SIGINT.
import { Server } from '@hocuspocus/server'

const host = process.env.HOST || '127.0.0.1'
const port = Number.parseInt(process.env.PORT || '1234', 10)
const server = new Server({ port, address: host, quiet: true, stopOnSignals: true })
await server.listen()
console.log(`hocuspocus listening on ${host}:${server.address.port}`)
