// Who this tab is: a random name and colour, kept for the tab's lifetime (sessionStorage survives reloads of the
// same tab, not new tabs), and an editable name.

const ADJECTIVES = ['Amber', 'Brisk', 'Calm', 'Dapper', 'Eager', 'Fuzzy', 'Gentle', 'Happy', 'Jolly', 'Keen',
  'Lucky', 'Mellow', 'Nimble', 'Plucky', 'Quiet', 'Rapid', 'Sunny', 'Tidy', 'Witty', 'Zesty']
const ANIMALS = ['Otter', 'Falcon', 'Panda', 'Lynx', 'Heron', 'Badger', 'Koala', 'Marten', 'Puffin', 'Gecko',
  'Bison', 'Ibis', 'Walrus', 'Tapir', 'Quokka', 'Robin', 'Newt', 'Yak', 'Wombat', 'Moose']
/** Colours readable as white-on-colour labels and as 20 % tints behind text. */
const COLORS = ['#e5484d', '#f76b15', '#d6a000', '#30a46c', '#12a594', '#0090ff', '#3e63dd', '#8e4ec6',
  '#d6409f', '#7d5e54']

const STORAGE_KEY = 'ysync-demo-identity'
export const MAX_NAME_LENGTH = 32

const pick = list => list[Math.floor(Math.random() * list.length)]

/** Trims a user-typed name to something displayable; empty input gives null. */
export function cleanName (raw) {
  const name = String(raw ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH)
  return name.length === 0 ? null : name
}

function readStored () {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null')
    if (stored && cleanName(stored.name) && COLORS.includes(stored.color)) return stored
  } catch {
    // storage disabled or garbage: make a new identity
  }
  return null
}

function store (identity) {
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(identity))
  } catch {
    // storage disabled: the identity lasts until reload
  }
}

/**
 * This tab's identity: `{ name, color }`, created at random on first use.
 * @return {{name: string, color: string}}
 */
export function loadIdentity () {
  const identity = readStored() ?? { name: `${pick(ADJECTIVES)} ${pick(ANIMALS)}`, color: pick(COLORS) }
  store(identity)
  return identity
}

/** Renames this tab's identity; returns the stored identity (unchanged when the name is blank). */
export function renameIdentity (identity, rawName) {
  const name = cleanName(rawName)
  if (name === null) return identity
  const renamed = { ...identity, name }
  store(renamed)
  return renamed
}

/**
 * The identity with a colour nobody else in `usedColors` has, when one is free; else unchanged. Used once per tab
 * after joining, so two users rarely share a colour.
 */
export function recolorIdentity (identity, usedColors) {
  if (!usedColors.has(identity.color)) return identity
  const free = COLORS.filter(c => !usedColors.has(c))
  if (free.length === 0) return identity
  const recolored = { ...identity, color: pick(free) }
  store(recolored)
  return recolored
}

/** The awareness `user` field that y-codemirror.next reads for remote carets and selections. */
export function awarenessUser (identity) {
  return { name: identity.name, color: identity.color, colorLight: identity.color + '33' }
}
