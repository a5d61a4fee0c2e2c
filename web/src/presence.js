// The presence list: one row per awareness state (this tab first), with the user's colour, name and a typing
// indicator. Built with DOM methods only: names come from other clients and are never parsed as HTML.

const SAFE_COLOR = /^#[0-9a-fA-F]{6}$/

/**
 * Renders `states` (awareness client id -> state) into `list`.
 * @param {HTMLUListElement} list
 * @param {Map<number, any>} states
 * @param {number} selfId this tab's awareness client id
 */
export function renderPresence (list, states, selfId) {
  const rows = []
  for (const [clientId, state] of states) {
    if (!state?.user) continue
    rows.push({
      clientId,
      self: clientId === selfId,
      name: String(state.user.name ?? 'Anonymous').slice(0, 64),
      color: SAFE_COLOR.test(state.user.color) ? state.user.color : '#888888',
      typing: state.typing === true
    })
  }
  rows.sort((a, b) => (b.self - a.self) || a.name.localeCompare(b.name) || a.clientId - b.clientId)
  list.replaceChildren(...rows.map(presenceRow))
}

function presenceRow ({ clientId, self, name, color, typing }) {
  const item = document.createElement('li')
  item.className = 'peer' + (self ? ' self' : '') + (typing ? ' is-typing' : '')
  item.dataset.clientId = String(clientId)
  item.style.setProperty('--peer-color', color)

  const dot = document.createElement('span')
  dot.className = 'dot'
  const label = document.createElement('span')
  label.className = 'peer-name'
  label.textContent = name
  item.append(dot, label)
  if (self) {
    const you = document.createElement('span')
    you.className = 'you'
    you.textContent = 'you'
    item.append(you)
  }
  if (typing) {
    const indicator = document.createElement('span')
    indicator.className = 'typing'
    indicator.title = `${name} is typing`
    indicator.append('typing', dots())
    item.append(indicator)
  }
  return item
}

function dots () {
  const wrap = document.createElement('span')
  wrap.className = 'typing-dots'
  wrap.setAttribute('aria-hidden', 'true')
  for (let i = 0; i < 3; i++) wrap.append(document.createElement('i'))
  return wrap
}
