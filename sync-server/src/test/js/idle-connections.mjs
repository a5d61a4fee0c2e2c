// Opens N idle y-websocket connections (100 rooms) and holds them HOLD_MS; for RSS measurements.
// Usage: node idle-connections.mjs ws://127.0.0.1:PORT N
import WebSocket from 'ws'
const [url, nArg] = process.argv.slice(2)
const n = Number(nArg)
let open = 0, failed = 0
const socks = []
for (let i = 0; i < n; i++) {
  const ws = new WebSocket(`${url}/idle-${i % 100}`, { perMessageDeflate: false })
  ws.on('message', () => {})
  ws.on('open', () => { open++ })
  ws.on('error', () => { failed++ })
  socks.push(ws)
  if (i % 200 === 0) await new Promise(r => setTimeout(r, 20))
}
const end = Date.now() + 60000
while (open + failed < n && Date.now() < end) await new Promise(r => setTimeout(r, 100))
console.log(JSON.stringify({ open, failed }))
await new Promise(r => setTimeout(r, Number(process.env.HOLD_MS || 5000)))
process.exit(0)
