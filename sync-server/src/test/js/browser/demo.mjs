// Real-browser test of the collaborative editor demo page (web/), driven by playwright-core through Debian's
// Chromium (/usr/bin/chromium; scripts/ensure-chromium.sh installs it).
//
//   node sync-server/src/test/js/browser/demo.mjs <server http url> <artifact dir>
//
// Two pages in separate browser contexts (separate storage: two users) open one room of a running ysync server.
//   1. both connect and sync, and see each other in the presence list; a renamed user shows up under the new name
//   2. concurrent edits on different lines converge to the exact expected text
//   3. the typing indicator of one user appears on the other page while typing, and clears > 2.5 s after the last
//      keystroke (the page clears it after 3 s); the other user's caret is drawn with its name
//   4. one page goes offline (the toggle), both edit, it goes back online: both converge, and so does the server's
//      document (GET /api/docs/<room>?format=json)
//   5. the room chooser moves one page to a new, empty room; the other page sees it leave
// Writes page-a.png, page-b.png, converged.png (both pages side by side) and page-b-offline.png to the artifact
// dir and prints their paths. Exit status 0 when every check passed; 1 with the failed check on stderr otherwise.
// Bounded: gives up after DEADLINE_MS and always closes the browser.
import { chromium } from 'playwright-core'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import assert from 'node:assert/strict'

const CHROMIUM = '/usr/bin/chromium'
const DEADLINE_MS = 100_000
const STEP_TIMEOUT_MS = 15_000
const TEXT_ROOT = 'codemirror' // web/src/session.js TEXT_NAME
const VIEWPORT = { width: 960, height: 620 }

const [baseUrl, artifactDir] = process.argv.slice(2)
if (!baseUrl || !artifactDir) {
  console.error('usage: node demo.mjs <server http url> <artifact dir>')
  process.exit(2)
}

let browser = null
const deadline = setTimeout(async () => {
  console.error(`demo.mjs: gave up after ${DEADLINE_MS} ms`)
  await browser?.close().catch(() => {})
  process.exit(1)
}, DEADLINE_MS)

const log = message => console.log(`[${new Date().toISOString().slice(11, 23)}] ${message}`)

/** Waits until fn() (run in the page) returns a truthy value. */
const until = (page, fn, arg, what) =>
  page.waitForFunction(fn, arg, { timeout: STEP_TIMEOUT_MS, polling: 50 })
    .catch(e => { throw new Error(`timed out waiting for ${what}: ${e.message.split('\n')[0]}`) })

/** The page's shared text and its editor's text (they must agree). */
const texts = page => page.evaluate(() => ({
  ytext: window.ysync.text.toString(),
  editor: window.ysync.view.state.doc.toString()
}))

async function waitOnlineAndSynced (page, who) {
  await until(page, () => document.getElementById('connection-status').dataset.state === 'connected' &&
    document.getElementById('sync-status').dataset.state === 'synced', null, `${who} connected and synced`)
}

async function waitPeers (page, count, who) {
  await until(page, n => document.querySelectorAll('#presence .peer').length === n, count,
    `${who} to list ${count} people`)
}

/** Waits until both pages (editor and Y.Text) hold exactly `expected`. */
async function waitConverged (pages, expected, what) {
  for (const [page, who] of pages) {
    await until(page, text => window.ysync.text.toString() === text && window.ysync.view.state.doc.toString() === text,
      expected, `${who} to hold the ${what} text`).catch(async e => {
      const held = JSON.stringify(await texts(page))
      throw new Error(`${e.message}; it holds ${held}, expected ${JSON.stringify(expected)}`)
    })
  }
}

/** Puts the caret at the end of line `n` (1-based) with the keyboard, as a user would. */
async function caretToLineEnd (page, n) {
  await page.locator('.cm-content').click()
  await page.keyboard.press('Control+Home')
  for (let i = 1; i < n; i++) await page.keyboard.press('ArrowDown')
  await page.keyboard.press('End')
}

async function serverText (room) {
  const res = await fetch(`${baseUrl}/api/docs/${encodeURIComponent(room)}?format=json&roots=${TEXT_ROOT}:text`)
  assert.equal(res.status, 200, `GET /api/docs/${room} answered ${res.status}`)
  return (await res.json())[TEXT_ROOT]
}

async function main () {
  await mkdir(artifactDir, { recursive: true })
  // Playwright gives the browser a fresh temporary profile (--user-data-dir) and removes it on close.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    timeout: 30_000
  })
  log(`launched ${CHROMIUM} ${browser.version()}`)
  const room = `browser-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`
  const pageUrl = `${baseUrl}/#${room}`
  const a = await (await browser.newContext({ viewport: VIEWPORT })).newPage()
  const b = await (await browser.newContext({ viewport: VIEWPORT })).newPage()
  for (const [page, who] of [[a, 'page A'], [b, 'page B']]) {
    page.on('pageerror', e => console.error(`${who} page error: ${e.message}`))
    page.on('console', m => { if (m.type() === 'error') console.error(`${who} console: ${m.text()}`) })
  }

  // --- 1. connect, sync, presence ---------------------------------------------------------------------------------
  await Promise.all([a.goto(pageUrl), b.goto(pageUrl)])
  await waitOnlineAndSynced(a, 'page A')
  await waitOnlineAndSynced(b, 'page B')
  assert.equal(await a.locator('#room-name').textContent(), room)
  await waitPeers(a, 2, 'page A')
  await waitPeers(b, 2, 'page B')
  await b.locator('#name-input').fill('Beta Tester')
  await until(a, () => [...document.querySelectorAll('#presence .peer-name')]
    .some(e => e.textContent === 'Beta Tester'), null, 'page A to show the renamed user "Beta Tester"')
  const nameA = await a.locator('#name-input').inputValue()
  // two users never keep the same colour: the later one moves to a free colour
  const colorOf = page => page.evaluate(() => window.ysync.awareness.getLocalState().user.color)
  await until(a, () => new Set([...window.ysync.awareness.getStates().values()].map(s => s.user?.color)).size === 2,
    null, 'the two users to have different colours')
  assert.notEqual(await colorOf(a), await colorOf(b))
  log(`room ${room}: both pages connected and synced; A is "${nameA}", B renamed itself "Beta Tester"`)

  // --- 2. concurrent edits ----------------------------------------------------------------------------------------
  await a.locator('.cm-content').click()
  await a.keyboard.type('first line\nsecond line')
  await waitConverged([[a, 'page A'], [b, 'page B']], 'first line\nsecond line', 'seeded')
  await caretToLineEnd(a, 1)
  await caretToLineEnd(b, 2)
  // B types slowly enough (about 2 s) for A to see it typing meanwhile
  const typingSeen = until(a, () => document.querySelector('#presence .peer.is-typing:not(.self) .typing') !== null,
    null, 'page A to show that B is typing')
  await Promise.all([
    a.keyboard.type(' + alpha', { delay: 40 }),
    b.keyboard.type(' + beta, typed slowly', { delay: 90 }),
    typingSeen
  ])
  const lastKeystroke = Date.now()
  await waitConverged([[a, 'page A'], [b, 'page B']], 'first line + alpha\nsecond line + beta, typed slowly',
    'concurrently edited')
  log('concurrent edits converged; A saw B typing')

  // --- 3. remote caret and the typing indicator clearing ----------------------------------------------------------
  await until(a, () => [...document.querySelectorAll('.cm-ySelectionCaret .cm-ySelectionInfo')]
    .some(e => e.textContent === 'Beta Tester'), null, 'page A to draw B\'s caret labelled "Beta Tester"')
  await until(b, name => [...document.querySelectorAll('.cm-ySelectionCaret .cm-ySelectionInfo')]
    .some(e => e.textContent === name), nameA, `page B to draw A's caret labelled "${nameA}"`)
  await until(a, () => document.querySelector('#presence .peer.is-typing:not(.self)') === null, null,
    'the typing indicator of B to clear on page A')
  const cleared = Date.now() - lastKeystroke
  // a lower bound only (a loaded machine can only make it later): not cleared right away, but after about 3 s
  assert.ok(cleared >= 2000, `B's typing indicator cleared ${cleared} ms after the last keystroke, expected ~3 s`)
  log(`remote carets drawn on both pages; B's typing indicator cleared on A ${cleared} ms after the last keystroke`)

  // --- 4. offline edits merge -------------------------------------------------------------------------------------
  await b.locator('label.switch').click()
  await until(b, () => document.getElementById('connection-status').dataset.state === 'offline' &&
    window.ysync.provider.wsconnected === false, null, 'page B to be offline')
  await waitPeers(a, 1, 'page A (B went offline)')
  await b.locator('.cm-content').click()
  await b.keyboard.press('Control+Home')
  await b.keyboard.type('B offline: ')
  await a.locator('.cm-content').click()
  await a.keyboard.press('Control+End')
  await a.keyboard.type('\nthird line from A')
  await waitConverged([[a, 'page A']], 'first line + alpha\nsecond line + beta, typed slowly\nthird line from A',
    'online-only')
  await waitConverged([[b, 'page B']], 'B offline: first line + alpha\nsecond line + beta, typed slowly',
    'offline-only')
  assert.equal(await serverText(room), 'first line + alpha\nsecond line + beta, typed slowly\nthird line from A',
    'the server must not have B\'s offline edit yet')
  log('B offline: both edited, neither sees the other\'s edit')
  const shotOffline = path.join(artifactDir, 'page-b-offline.png')
  await b.screenshot({ path: shotOffline })
  await b.locator('label.switch').click()
  await waitOnlineAndSynced(b, 'page B (back online)')
  const merged = 'B offline: first line + alpha\nsecond line + beta, typed slowly\nthird line from A'
  await waitConverged([[a, 'page A'], [b, 'page B']], merged, 'merged')
  await waitPeers(a, 2, 'page A (B is back)')
  await waitPeers(b, 2, 'page B (back online)')
  const stored = await serverText(room)
  assert.equal(stored, merged, 'the server\'s document')
  log('B back online: both pages and the server hold the merged text')

  // --- screenshots ------------------------------------------------------------------------------------------------
  // B's caret at its last edit is drawn on A; blur nothing so both carets stay visible
  await until(a, () => document.querySelectorAll('.cm-ySelectionCaret').length > 0, null, 'a remote caret on page A')
  const shotA = path.join(artifactDir, 'page-a.png')
  const shotB = path.join(artifactDir, 'page-b.png')
  const pngA = await a.screenshot({ path: shotA })
  const pngB = await b.screenshot({ path: shotB })
  const combined = path.join(artifactDir, 'converged.png')
  const sheetViewport = { width: VIEWPORT.width * 2 + 48, height: 200 }
  const sheet = await (await browser.newContext({ viewport: sheetViewport })).newPage()
  await sheet.setContent(`<!doctype html><body style="margin:0;padding:16px;background:#2b2f36;font:14px system-ui;
    color:#e6e8eb;display:flex;gap:16px">${[['A', pngA], ['B', pngB]].map(([who, png]) =>
    `<figure style="margin:0"><figcaption style="margin:0 0 6px">page ${who}</figcaption>
     <img style="display:block;border-radius:6px" src="data:image/png;base64,${png.toString('base64')}"></figure>`)
    .join('')}</body>`)
  await sheet.screenshot({ path: combined, fullPage: true })
  await writeFile(path.join(artifactDir, 'converged.txt'), merged + '\n')

  // --- 5. the room chooser ----------------------------------------------------------------------------------------
  const other = `${room}-2`
  await a.locator('#room-input').fill(other)
  await a.locator('#room-form button[type=submit]').click()
  await until(a, r => location.hash === `#${r}` && window.ysync.room === r &&
    document.getElementById('room-name').textContent === r, other, `page A to switch to room ${other}`)
  await waitOnlineAndSynced(a, `page A in room ${other}`)
  await waitConverged([[a, 'page A']], '', 'empty new room\'s')
  await waitPeers(a, 1, `page A (alone in ${other})`)
  await waitPeers(b, 1, 'page B (A left its room)')
  log(`room chooser: A moved to the empty room ${other}; B sees A gone`)
  console.log(`screenshot: ${combined}`)
  console.log(`screenshot: ${shotA}`)
  console.log(`screenshot: ${shotB}`)
  console.log(`screenshot: ${shotOffline}`)
}

try {
  await main()
  log('all browser checks passed')
} catch (e) {
  console.error(`demo.mjs: FAILED: ${e.stack ?? e}`)
  process.exitCode = 1
} finally {
  await browser?.close().catch(() => {})
  clearTimeout(deadline)
}
