// Two real y-webrtc WebrtcProviders (two processes: y-webrtc allows one provider per room and process) negotiate a
// WebRTC connection through ysync's /signaling. Node has no WebRTC, so simple-peer gets a scripted
// RTCPeerConnection (peerOpts.wrtc) that produces tagged offers, answers and ICE candidates; everything else is
// y-webrtc's and simple-peer's own logic: subscribe and announce on connect, the initiator's offer, the glare
// token, the answer, trickled candidates. Each peer succeeds once one of its connections has a remote description
// and a candidate from the other peer and is back in signaling state "stable".
// Env: YSYNC_SIGNALING (ws://host:port/signaling), YSYNC_TOKEN (optional), YSYNC_TOPIC.
// The parent prints one JSON line: {"ok":true,"peers":[{tag, remoteTags, candidateTags}, ...]}.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const role = process.argv[2]

if (role !== 'peer') {
  const self = fileURLToPath(import.meta.url)
  const run = (tag) => new Promise((resolve) => {
    const child = fork(self, ['peer', tag], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] })
    let out = ''
    child.stdout.on('data', (d) => { out += d })
    child.on('exit', (code) => resolve({ code, out: out.trim() }))
  })
  const results = await Promise.all([run('alpha'), run('beta')])
  const peers = results.map((r) => { try { return JSON.parse(r.out.split('\n').pop()) } catch { return { error: r.out } } })
  const ok = results.every((r) => r.code === 0) &&
    peers[0].remoteTags.includes('beta') && peers[1].remoteTags.includes('alpha') &&
    peers[0].candidateTags.includes('beta') && peers[1].candidateTags.includes('alpha')
  console.log(JSON.stringify({ ok, peers }))
  process.exit(ok ? 0 : 1)
}

const tag = process.argv[3]
const { WebSocket } = await import('ws')
globalThis.WebSocket = WebSocket
const Y = await import('yjs')
const { WebrtcProvider } = await import('y-webrtc')

const fail = (msg) => { console.log(JSON.stringify({ tag, error: msg })); process.exit(1) }
setTimeout(() => fail('timeout'), 25000).unref()

const connections = []
/** A scripted RTCPeerConnection: enough of the API for simple-peer's negotiation, never connects media. */
class ScriptedPeerConnection {
  constructor () {
    this.signalingState = 'stable'
    this.iceConnectionState = 'new'
    this.iceGatheringState = 'new'
    this.connectionState = 'new'
    this.localDescription = null
    this.remoteDescription = null
    this.candidates = []
    connections.push(this)
  }

  createDataChannel (label) {
    return { label, readyState: 'connecting', bufferedAmount: 0, close () {}, send () {} }
  }

  async createOffer () { return { type: 'offer', sdp: `v=0\r\no=- ${tag} 2 IN IP4 127.0.0.1\r\ns=offer\r\n` } }
  async createAnswer () { return { type: 'answer', sdp: `v=0\r\no=- ${tag} 2 IN IP4 127.0.0.1\r\ns=answer\r\n` } }

  async setLocalDescription (d) {
    this.localDescription = { type: d.type, sdp: d.sdp }
    this.signalingState = d.type === 'offer' ? 'have-local-offer' : 'stable'
    this.onsignalingstatechange && this.onsignalingstatechange()
    setTimeout(() => { // trickle one host candidate, then end of candidates
      const candidate = `candidate:1 1 udp 2122260223 192.0.2.1 ${tag === 'alpha' ? 50001 : 50002} typ host ${tag}`
      this.onicecandidate && this.onicecandidate({ candidate: { candidate, sdpMLineIndex: 0, sdpMid: '0' } })
      this.onicecandidate && this.onicecandidate({ candidate: null })
    }, 0)
  }

  async setRemoteDescription (d) {
    this.remoteDescription = { type: d.type, sdp: d.sdp }
    this.signalingState = d.type === 'offer' ? 'have-remote-offer' : 'stable'
    this.onsignalingstatechange && this.onsignalingstatechange()
  }

  async addIceCandidate (c) { this.candidates.push(c.candidate) }
  getTransceivers () { return [] }
  getStats (cb) { return Promise.resolve(new Map()) }
  close () {}
}
const wrtc = {
  RTCPeerConnection: ScriptedPeerConnection,
  RTCSessionDescription: class { constructor (d) { this.type = d.type; this.sdp = d.sdp } },
  RTCIceCandidate: class { constructor (c) { Object.assign(this, c) } }
}

const base = process.env.YSYNC_SIGNALING
const token = process.env.YSYNC_TOKEN
const url = token ? `${base}?token=${encodeURIComponent(token)}` : base
const doc = new Y.Doc()
const provider = new WebrtcProvider(process.env.YSYNC_TOPIC || 'webrtc-room', doc,
  { signaling: [url], peerOpts: { wrtc }, filterBcConns: false })

const tagOf = (s) => (s && (s.match(/(alpha|beta)/) || [])[1]) || null
const timer = setInterval(() => {
  const done = connections.find((pc) => pc.remoteDescription && pc.candidates.length > 0 && pc.signalingState === 'stable')
  if (done) {
    clearInterval(timer)
    console.log(JSON.stringify({
      tag,
      peerId: provider.room.peerId,
      remoteTags: connections.map((pc) => tagOf(pc.remoteDescription && pc.remoteDescription.sdp)).filter(Boolean),
      candidateTags: connections.flatMap((pc) => pc.candidates.map(tagOf)).filter(Boolean)
    }))
    // give the other peer time to receive our last messages before the socket closes
    setTimeout(() => { provider.destroy(); process.exit(0) }, 1000)
  }
}, 50)
