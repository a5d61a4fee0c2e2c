// Two y-webrtc peers negotiate through ysync's /signaling endpoint with y-webrtc's own SignalingConn (lib0
// WebsocketClient on the `ws` package). WebRTC itself is not available in Node, so each peer plays the part of
// y-webrtc's WebrtcProvider/WebrtcConn by publishing exactly what y-webrtc 10.3 publishes (src/y-webrtc.js:
// publishSignalingMessage, the 'announce' on connect, the simple-peer 'signal' messages with their glare token):
//   A announces -> B (initiator, like WebrtcConn(initiator=true) on 'announce') sends an offer and a candidate
//   -> A answers and sends a candidate. Each side checks it got the other's messages, addressed to it, with
//   clients = 2. Then ping/pong, and (with a token) a forbidden topic.
// Env: YSYNC_SIGNALING (ws://host:port/signaling), YSYNC_TOKEN (optional), YSYNC_TOPIC. Prints one JSON line.
import { WebSocket } from 'ws'

globalThis.WebSocket = WebSocket // lib0/websocket uses the global WebSocket
const { SignalingConn } = await import('y-webrtc')

const base = process.env.YSYNC_SIGNALING
const token = process.env.YSYNC_TOKEN
const topic = process.env.YSYNC_TOPIC || 'webrtc-room'
const url = token ? `${base}?token=${encodeURIComponent(token)}` : base

const fail = (msg) => {
  console.log(JSON.stringify({ ok: false, error: msg }))
  process.exit(1)
}
setTimeout(() => fail('timeout'), 20000).unref()

const connect = () => new Promise((resolve) => {
  const conn = new SignalingConn(url)
  conn.on('connect', () => resolve(conn))
})

/** Resolves with the first message matching `pred`. */
const expectMessage = (conn, pred) => new Promise((resolve) => {
  const handler = (m) => {
    if (pred(m)) {
      conn.off('message', handler)
      resolve(m)
    }
  }
  conn.on('message', handler)
})

// y-webrtc: publishSignalingMessage(conn, room, data) without a password
const publish = (conn, data) => conn.send({ type: 'publish', topic, data })
const addressedTo = (peerId, signalType) => (m) => m.type === 'publish' && m.topic === topic &&
  m.data && m.data.to === peerId && m.data.type === 'signal' && m.data.signal.type === signalType

const peerA = 'peer-a-' + Math.random().toString(36).slice(2)
const peerB = 'peer-b-' + Math.random().toString(36).slice(2)
const a = await connect()
const b = await connect()
// SignalingConn subscribes to its rooms on 'connect'; the providers' rooms are our topic
a.send({ type: 'subscribe', topics: [topic] })
b.send({ type: 'subscribe', topics: [topic] })
// subscriptions are handled in order per connection: a ping round trip proves both are active
await Promise.all([a, b].map((c) => {
  const p = expectMessage(c, (m) => m.type === 'pong')
  c.send({ type: 'ping' })
  return p
}))

const log = []
// B reacts like y-webrtc: an announce from an unknown peer makes it the initiator of a connection
const bGotAnnounce = expectMessage(b, (m) => m.type === 'publish' && m.data && m.data.type === 'announce' &&
  m.data.from === peerA)
publish(a, { type: 'announce', from: peerA })
const announce = await bGotAnnounce
log.push({ at: 'b', type: 'announce', clients: announce.clients })

const tokenB = Date.now() + Math.random()
const offer = { type: 'offer', sdp: 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' }
const candB = { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 2122260223 192.0.2.2 54321 typ host', sdpMLineIndex: 0, sdpMid: '0' } }
const aGotOffer = expectMessage(a, addressedTo(peerA, 'offer'))
const aGotCandidate = expectMessage(a, addressedTo(peerA, 'candidate'))
publish(b, { to: peerA, from: peerB, type: 'signal', token: tokenB, signal: offer })
publish(b, { to: peerA, from: peerB, type: 'signal', token: tokenB, signal: candB })
const gotOffer = await aGotOffer
const gotCandB = await aGotCandidate
if (gotOffer.data.signal.sdp !== offer.sdp || gotOffer.data.from !== peerB || gotOffer.data.token !== tokenB) {
  fail('offer changed in transit: ' + JSON.stringify(gotOffer))
}
if (JSON.stringify(gotCandB.data.signal) !== JSON.stringify(candB)) fail('candidate changed in transit')
log.push({ at: 'a', type: 'offer', clients: gotOffer.clients }, { at: 'a', type: 'candidate', clients: gotCandB.clients })

const tokenA = Date.now() + Math.random()
const answer = { type: 'answer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' }
const candA = { type: 'candidate', candidate: { candidate: 'candidate:2 1 udp 2122260223 192.0.2.1 12345 typ host', sdpMLineIndex: 0, sdpMid: '0' } }
const bGotAnswer = expectMessage(b, addressedTo(peerB, 'answer'))
const bGotCandidate = expectMessage(b, addressedTo(peerB, 'candidate'))
publish(a, { to: peerB, from: peerA, type: 'signal', token: tokenA, signal: answer })
publish(a, { to: peerB, from: peerA, type: 'signal', token: tokenA, signal: candA })
const gotAnswer = await bGotAnswer
const gotCandA = await bGotCandidate
if (gotAnswer.data.signal.sdp !== answer.sdp) fail('answer changed in transit')
if (JSON.stringify(gotCandA.data.signal) !== JSON.stringify(candA)) fail('candidate changed in transit')
log.push({ at: 'b', type: 'answer', clients: gotAnswer.clients }, { at: 'b', type: 'candidate', clients: gotCandA.clients })

let forbidden = null
if (token) {
  const err = expectMessage(a, (m) => m.type === 'error')
  a.send({ type: 'subscribe', topics: ['not-granted-room'] })
  forbidden = await err
}
a.destroy()
b.destroy()
console.log(JSON.stringify({ ok: true, messages: log, forbidden }))
process.exit(0)
