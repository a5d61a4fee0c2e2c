// The collaborative editor demo page that `ysync serve` answers at `/`: wires the room chooser, the status bar,
// the offline toggle, the name field and the presence list to a RoomSession.
import './style.css'
import { RoomSession } from './session.js'
import { renderPresence } from './presence.js'
import { loadIdentity, renameIdentity, recolorIdentity, awarenessUser } from './identity.js'
import { roomFromLocation, websocketBase, connectionParams, isValidRoom } from './location.js'

const $ = id => /** @type {HTMLElement} */ (document.getElementById(id))
const ui = {
  roomForm: /** @type {HTMLFormElement} */ ($('room-form')),
  roomInput: /** @type {HTMLInputElement} */ ($('room-input')),
  roomName: $('room-name'),
  connection: $('connection-status'),
  sync: $('sync-status'),
  offline: /** @type {HTMLInputElement} */ ($('offline-toggle')),
  editor: $('editor'),
  presence: /** @type {HTMLUListElement} */ ($('presence')),
  nameInput: /** @type {HTMLInputElement} */ ($('name-input')),
  stats: $('doc-stats')
}

let identity = loadIdentity()
/** @type {RoomSession | null} */
let session = null
/** Whether this tab already moved off a colour another user had (once: two tabs must not keep swapping). */
let recolored = false

const CONNECTION_LABELS = {
  connecting: 'connecting…',
  connected: 'connected',
  disconnected: 'disconnected, retrying…',
  offline: 'offline',
  closed: 'refused by server'
}

function showConnection (state, detail) {
  ui.connection.dataset.state = state
  ui.connection.textContent = CONNECTION_LABELS[state] + (detail ? ` (${detail})` : '')
}

function showSynced (synced) {
  ui.sync.dataset.state = synced ? 'synced' : 'unsynced'
  ui.sync.textContent = synced ? 'synced' : (ui.offline.checked ? 'local edits only' : 'not synced')
}

function showStats (length) {
  ui.stats.textContent = `${length} character${length === 1 ? '' : 's'}`
}

function onSessionEvent (event, value) {
  switch (event) {
    case 'status':
      showConnection(ui.offline.checked ? 'offline' : value)
      if (value !== 'connected') showSynced(false)
      break
    case 'synced':
      showSynced(value)
      break
    case 'closed':
      showConnection('closed', `${value.code}${value.reason ? ' ' + value.reason : ''}`)
      break
    case 'awareness':
      avoidColorClash(value)
      renderPresence(ui.presence, value, session.doc.clientID)
      break
    case 'text':
      showStats(value)
      break
  }
}

/** Moves this tab to a free colour when an earlier client (smaller id: only one of the two moves) has its colour. */
function avoidColorClash (states) {
  if (recolored) return
  const self = session.doc.clientID
  const others = new Set()
  let clash = false
  for (const [clientId, state] of states) {
    const color = state?.user?.color
    if (clientId === self || !color) continue
    others.add(color)
    if (color === identity.color && clientId < self) clash = true
  }
  if (!clash) return
  recolored = true
  identity = recolorIdentity(identity, others)
  session.setUser(awarenessUser(identity))
}

function openRoom (room) {
  if (session?.room === room) return
  session?.destroy()
  ui.editor.replaceChildren()
  ui.roomInput.value = room
  ui.roomName.textContent = room
  document.title = `${room} · ysync collaborative editor`
  const online = !ui.offline.checked
  showConnection(online ? 'connecting' : 'offline')
  showSynced(false)
  session = new RoomSession({
    room,
    serverUrl: websocketBase(location, document),
    params: connectionParams(location),
    online,
    user: awarenessUser(identity),
    parent: ui.editor,
    onEvent: onSessionEvent
  })
  renderPresence(ui.presence, session.awareness.getStates(), session.doc.clientID)
  showStats(session.text.length)
  // exposed for the browser tests and for poking around in the console
  window.ysync = session
}

ui.roomForm.addEventListener('submit', event => {
  event.preventDefault()
  const room = ui.roomInput.value.trim()
  if (!isValidRoom(room)) {
    ui.roomInput.reportValidity()
    return
  }
  if (location.hash !== '#' + room) location.hash = room // hashchange opens it
  else openRoom(room)
})
window.addEventListener('hashchange', () => openRoom(roomFromLocation(location)))

ui.offline.addEventListener('change', () => {
  const online = !ui.offline.checked
  showConnection(online ? 'connecting' : 'offline')
  showSynced(false)
  session.setOnline(online)
})

ui.nameInput.value = identity.name
ui.nameInput.addEventListener('input', () => {
  identity = renameIdentity(identity, ui.nameInput.value)
  session.setUser(awarenessUser(identity))
})
ui.nameInput.addEventListener('blur', () => { ui.nameInput.value = identity.name })

window.addEventListener('pagehide', () => session?.leave())

openRoom(roomFromLocation(location))
