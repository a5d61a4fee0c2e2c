// One open room: a Y.Doc, the stock y-websocket provider and a CodeMirror 6 editor bound with y-codemirror.next.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { yCollab } from 'y-codemirror.next'
import { EditorView, basicSetup } from 'codemirror'
import { placeholder } from '@codemirror/view'

/** How long after the last local edit the `typing` awareness field is cleared. */
export const TYPING_IDLE_MS = 3000
/** The shared text's name in the document (other clients must use the same). */
export const TEXT_NAME = 'codemirror'

/**
 * A room session. Listeners get `status` ('connecting' | 'connected' | 'disconnected'), `synced` (boolean),
 * `closed` ({code, reason}: the server refused for good, e.g. 4401) and `awareness` (the states changed).
 */
export class RoomSession {
  /**
   * @param {object} opts
   * @param {string} opts.room room name
   * @param {string} opts.serverUrl WebSocket base URL
   * @param {Object<string,string>} opts.params URL parameters of the upgrade (token)
   * @param {boolean} opts.online connect right away
   * @param {{name: string, color: string, colorLight: string}} opts.user awareness user field
   * @param {HTMLElement} opts.parent where the editor goes
   * @param {(event: string, value: any) => void} opts.onEvent
   */
  constructor ({ room, serverUrl, params, online, user, parent, onEvent }) {
    this.room = room
    this.onEvent = onEvent
    this.doc = new Y.Doc()
    this.text = this.doc.getText(TEXT_NAME)
    // disableBc: tabs of one browser sync through the server too, so the offline toggle really isolates a tab
    this.provider = new WebsocketProvider(serverUrl, room, this.doc, { connect: online, params, disableBc: true })
    this.awareness = this.provider.awareness
    this.awareness.setLocalStateField('user', user)
    this.awareness.setLocalStateField('typing', false)
    this.typingTimer = null

    this.provider.on('status', ({ status }) => onEvent('status', status))
    this.provider.on('sync', synced => onEvent('synced', synced))
    this.provider.on('closed', close => onEvent('closed', close))
    this.awareness.on('change', () => onEvent('awareness', this.awareness.getStates()))
    // a local transaction on the text is the user typing (remote ones carry the provider as origin)
    this.text.observe((_event, transaction) => {
      if (transaction.local) this.markTyping()
      onEvent('text', this.text.length)
    })

    this.view = new EditorView({
      doc: this.text.toString(),
      extensions: [
        basicSetup,
        EditorView.lineWrapping,
        placeholder('Start typing: everyone in this room sees it live.'),
        yCollab(this.text, this.awareness, { undoManager: new Y.UndoManager(this.text) })
      ],
      parent
    })
  }

  /** Sets `typing` in awareness and clears it after {@link TYPING_IDLE_MS} without another local edit. */
  markTyping () {
    clearTimeout(this.typingTimer)
    if (this.awareness.getLocalState()?.typing !== true) this.awareness.setLocalStateField('typing', true)
    this.typingTimer = setTimeout(() => {
      this.typingTimer = null
      this.awareness.setLocalStateField('typing', false)
    }, TYPING_IDLE_MS)
  }

  /** Updates this tab's name and colour as the others see them. */
  setUser (user) {
    this.awareness.setLocalStateField('user', user)
  }

  get online () {
    return this.provider.shouldConnect
  }

  /** The offline toggle: disconnects (edits stay local) or reconnects (they merge). */
  setOnline (online) {
    if (online) this.provider.connect()
    else this.provider.disconnect()
  }

  /** Tells the others this tab left (the page is going away). */
  leave () {
    this.awareness.setLocalState(null)
  }

  destroy () {
    clearTimeout(this.typingTimer)
    this.leave()
    this.view.destroy()
    this.provider.destroy()
    this.doc.destroy()
  }
}
