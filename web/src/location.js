// Where to connect: the room from the page URL, the WebSocket base URL from the page's own origin.

export const DEFAULT_ROOM = 'demo'
const ROOM_PATTERN = /^[A-Za-z0-9._-]{1,64}$/

/** Whether `name` is a room name the chooser accepts (it goes into the WebSocket URL path unescaped). */
export function isValidRoom (name) {
  return ROOM_PATTERN.test(name)
}

/**
 * The room named by the URL: `#<room>` (what the chooser writes), else `?room=<room>`, else the default.
 * @param {Location} loc
 */
export function roomFromLocation (loc) {
  const fromHash = decodeURIComponent(loc.hash.replace(/^#/, '').replace(/^room=/, ''))
  if (isValidRoom(fromHash)) return fromHash
  const fromQuery = new URLSearchParams(loc.search).get('room') ?? ''
  return isValidRoom(fromQuery) ? fromQuery : DEFAULT_ROOM
}

/**
 * The y-websocket server URL for this page: same host, ws or wss after the page's scheme, and the server's room
 * path prefix (from the `ysync-path-prefix` meta tag the server fills in; `/` when absent).
 * @param {Location} loc
 * @param {Document} doc
 */
export function websocketBase (loc, doc) {
  const meta = doc.querySelector('meta[name="ysync-path-prefix"]')
  let prefix = meta?.getAttribute('content') ?? '/'
  if (!prefix.startsWith('/') || prefix.includes('{{')) prefix = '/'
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:'
  // WebsocketProvider appends '/' + room and strips trailing slashes from the base
  return `${scheme}//${loc.host}${prefix}`
}

/** The provider's URL parameters: a JWT given as `?token=` on the page URL is passed on to the server. */
export function connectionParams (loc) {
  const token = new URLSearchParams(loc.search).get('token')
  return token ? { token } : {}
}
