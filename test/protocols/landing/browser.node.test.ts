/**
 * The landing page in a real browser: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), against the Worker served over HTTP on 127.0.0.1 with a seeded local D1.
 * Passwords are enabled; 127.0.0.1 is loopback, so the route accepts one over plain http. The
 * browser runs with JavaScript disabled and the page's CSP enforced, except in the contexts that
 * run axe-core, which need both off to inject it (and only there).
 *
 * The provider is branded through the admin API; its logo's host is answered by the browser
 * context itself (there is no network), after the CSP has let the request go.
 */
import axe from 'axe-core'
import jsQR from 'jsqr'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { PNG } from 'pngjs'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveWorker, type ServedWorker } from '../../support/node/served-worker'

const CHROMIUM = '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

const PROVIDER = 'Example Inc.'
const LOGO_URL = 'https://logo.mailconf.test/brand/logo.svg'
const LOGO_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="48" viewBox="0 0 160 48"><rect width="160" height="48" fill="#0b57d0"/></svg>'
const HEADING = `Set up your email with ${PROVIDER}`
// As long as a local part may be (64), so addresses, the button and the DAV rows must wrap at 390 px.
const LONG_LOCAL_PART = `${'firstname'.repeat(4)}.${'lastname'.repeat(3)}`.slice(0, 64)
const LONG_ADDRESS = `${LONG_LOCAL_PART}@example.com`

const SIZES = [
  { size: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 },
  { size: 'desktop', viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 },
] as const

let worker: ServedWorker
let browser: Browser
let context: BrowserContext
let page: Page
const consoleErrors: string[] = []
let logoRequests = 0

/** A context whose logo host answers from here, the only request the page makes besides its own. */
async function newContext(options: BrowserContextOptions): Promise<BrowserContext> {
  const created = await browser.newContext(options)
  await created.route('https://logo.mailconf.test/**', (route) => {
    logoRequests++
    return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: LOGO_SVG })
  })
  return created
}

/** Collects console errors: a CSP violation (a style or image the policy refuses) shows up there. */
function watchConsole(target: Page, into: string[]): void {
  target.on('console', (message) => {
    if (message.type() === 'error') into.push(message.text())
  })
}

const settingsUrl = (address: string, name = 'Jane Doe') => new URL(`/?emailaddress=${encodeURIComponent(address)}&name=${encodeURIComponent(name)}`, worker.url).href

beforeAll(async () => {
  worker = await serveWorker({ PERMIT_CLEARTEXT_PASSWORDS: 'I_understand_the_risks' })
  const branded = await fetch(new URL('/admin/providers/1', worker.url), {
    method: 'PUT',
    headers: { Authorization: `Bearer ${worker.adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: PROVIDER, logo_url: LOGO_URL, support_email: 'help@example.com', support_url: 'https://help.example.com/' }),
  })
  if (branded.status !== 200) throw new Error(`branding failed: ${branded.status} ${await branded.text()}`)
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
  context = await newContext({ acceptDownloads: true, javaScriptEnabled: false })
  page = await context.newPage()
  watchConsole(page, consoleErrors)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await worker?.close()
})

describe('landing page in Chromium', () => {
  it('shows the settings for an address and downloads the profile with the password', async () => {
    // Prove scripts really are off, so nothing below can lean on them.
    await page.goto(`data:text/html,<p id="p">static</p><script>document.getElementById('p').textContent='script ran'</script>`)
    expect(await page.locator('#p').innerText()).toBe('static')

    await page.goto(new URL('/', worker.url).href)
    expect(await page.title()).toBe('Set up your email')
    // Labels are wired to their inputs (accessible names), so fill by label.
    await page.getByLabel('Email address').fill('jane+news@example.com')
    await page.getByLabel('Your name').fill('Jane Doe')
    await page.getByRole('button', { name: 'Show my settings' }).click()
    await page.waitForURL(/emailaddress=jane%2Bnews%40example\.com/)

    const incoming = page.locator('table', { hasText: 'Incoming mail' })
    await expect.poll(() => incoming.locator('tr', { hasText: 'Server' }).innerText()).toContain('imap.example.com')
    expect(await incoming.locator('tr', { hasText: 'Port' }).innerText()).toContain('993')
    expect(await incoming.locator('tr', { hasText: 'Security' }).innerText()).toContain('SSL/TLS')
    expect(await incoming.locator('tr', { hasText: 'Username' }).innerText()).toContain('jane+news@example.com')
    const outgoing = page.locator('table', { hasText: 'Outgoing mail' })
    expect(await outgoing.locator('tr', { hasText: 'Server' }).innerText()).toContain('smtp.example.com')
    expect(await outgoing.locator('tr', { hasText: 'Port' }).innerText()).toContain('465')
    expect(await page.getByText('Thunderbird, Thunderbird for Android (K-9 Mail), FairEmail, Evolution, eM Client and Outlook find these settings by themselves', { exact: false }).count()).toBe(1)
    // The style applied (allowed by its CSP hash): the button is blue, not the browser default.
    // `evaluate` runs in the page; this project type-checks without the DOM library.
    const backgroundOf = new Function('element', 'return getComputedStyle(element).backgroundColor') as (element: unknown) => string
    expect(await page.getByRole('button', { name: /Download profile/ }).evaluate(backgroundOf)).toBe('rgb(11, 87, 208)')
    await page.screenshot({ path: join(tmpdir(), 'mailconf-landing.png'), fullPage: true })

    await page.getByLabel('Password (optional)').fill('correct horse battery')
    const [download, response] = await Promise.all([
      page.waitForEvent('download'),
      page.waitForResponse((r) => r.url().endsWith('/mobileconfig') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Download profile for jane+news@example.com' }).click(),
    ])
    expect(response.status()).toBe(200)
    expect(response.headers()['content-type']).toBe('application/x-apple-aspen-config')
    expect(download.suggestedFilename()).toBe('example.com.mobileconfig')
    const profile = readFileSync(await download.path(), 'utf8')
    expect(profile).toContain('<key>EmailAddress</key>\n')
    expect(profile).toMatch(/<key>EmailAddress<\/key>\s*<string>jane\+news@example\.com<\/string>/)
    expect(profile).toMatch(/<key>EmailAccountName<\/key>\s*<string>Jane Doe<\/string>/)
    expect(profile).toMatch(/<key>IncomingPassword<\/key>\s*<string>correct horse battery<\/string>/)
    // The password went in the POST body, never into a URL.
    expect(page.url()).not.toContain('horse')
    expect(consoleErrors).toEqual([])
  }, 60_000)

  it('reports an unknown domain on the page, as an alert in plain words', async () => {
    await page.goto(new URL('/', worker.url).href)
    await page.getByLabel('Email address').fill('someone@unknown.example')
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes('emailaddress=')), page.getByRole('button', { name: 'Show my settings' }).click()])
    expect(response.status()).toBe(404)
    expect(await page.getByRole('alert').innerText()).toBe("We don't host mail for unknown.example — check the address.")
  }, 30_000)
})

/** Parts of the page in reading order, and whether each is shown: the structure two sizes share. */
const OUTLINE = [
  ['logo', 'img.logo'],
  ['heading', 'h1'],
  ['address form', 'form[action="/"]'],
  ['Apple steps', '#apple'],
  ['profile download', 'form[action="/mobileconfig"] button'],
  ['QR code', '.qr-code'],
  ['manual settings', '#manual'],
  ['help', '#help'],
  ['self-configuring apps', '#automatic'],
] as const

async function outline(target: Page): Promise<Record<string, boolean>> {
  const shown: Record<string, boolean> = {}
  for (const [part, selector] of OUTLINE) shown[part] = await target.locator(selector).first().isVisible()
  return shown
}

/**
 * Elements whose box reaches past the screen's right edge (what makes a phone scroll sideways).
 * Measured against the configured width, not `innerWidth`: a mobile browser zooms out to fit
 * content wider than the screen, and `innerWidth` grows with it.
 */
const overflowing = (width: number) => `[...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > ${width} + 0.5)
  .map((e) => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))`

/** The text the element's pixels encode, read from a real screenshot with an independent decoder. */
async function scanQr(target: Page, selector: string): Promise<string | null> {
  const png = PNG.sync.read(await target.locator(selector).screenshot())
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null
}

describe.each(SIZES)('the branded settings page on a $size ($viewport.width×$viewport.height)', ({ size, ...options }) => {
  let sized: Page
  const errors: string[] = []

  beforeAll(async () => {
    const created = await newContext({ ...options, javaScriptEnabled: false })
    sized = await created.newPage()
    watchConsole(sized, errors)
    const response = await sized.goto(settingsUrl(LONG_ADDRESS))
    expect(response?.status()).toBe(200)
  }, 30_000)

  it('names the provider in the title and the heading, with its logo loaded under the CSP', async () => {
    expect(await sized.title()).toBe(HEADING)
    expect(await sized.locator('h1').innerText()).toBe(HEADING)
    const logo = sized.getByRole('img', { name: PROVIDER })
    expect(await logo.getAttribute('src')).toBe(LOGO_URL)
    const loadedWidth = new Function('image', 'return image.complete ? image.naturalWidth : 0') as (image: unknown) => number
    expect(await logo.evaluate(loadedWidth)).toBe(160)
    expect(logoRequests).toBeGreaterThan(0)
    expect(errors).toEqual([])
  })

  it('fits the screen: no element wider than the viewport, long address and URLs wrapped', async () => {
    const { width } = options.viewport
    expect(await sized.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')).toEqual([width, width])
    expect(await sized.evaluate(overflowing(width))).toEqual([])
    // The long address is there in full, wrapped rather than cut.
    expect(await sized.getByRole('button', { name: `Download profile for ${LONG_ADDRESS}` }).isVisible()).toBe(true)
    await sized.screenshot({ path: join(tmpdir(), `mailconf-landing-${size}.png`), fullPage: true })
  })

  it(`shows the QR code ${size === 'desktop' ? 'beside the steps, and it scans to the profile link' : 'not at all: the download button is the way'}`, async () => {
    const expected = Object.fromEntries(OUTLINE.map(([part]) => [part, part === 'QR code' ? size === 'desktop' : true]))
    expect(await outline(sized)).toEqual(expected)
    if (size !== 'desktop') return
    const box = await sized.locator('.qr-code').boundingBox()
    expect(box?.width).toBeGreaterThanOrEqual(160)
    expect(box?.height).toBe(box?.width)
    const link = await scanQr(sized, '.qr-code')
    expect(link).toBe(new URL(`/mobileconfig?emailaddress=${encodeURIComponent(LONG_ADDRESS)}&name=Jane%20Doe`, worker.url).href)
    // What the phone would then fetch: the profile for this address, without a password.
    const profile = await fetch(link ?? '')
    expect(profile.status).toBe(200)
    const body = await profile.text()
    expect(body).toContain(`<string>${LONG_ADDRESS}</string>`)
    expect(body).not.toContain('<key>IncomingPassword</key>')
  })
})

describe.each(SIZES)('accessibility (axe-core) on a $size', ({ size: _size, ...options }) => {
  // axe is injected as a script: this context alone runs JavaScript and bypasses the CSP for it.
  let audited: Page
  beforeAll(async () => {
    audited = await (await newContext({ ...options, javaScriptEnabled: true, bypassCSP: true })).newPage()
  })

  it.each([
    ['the empty form', () => new URL('/', worker.url).href],
    ['the branded settings page', () => settingsUrl(LONG_ADDRESS)],
    ['an error', () => settingsUrl('someone@unknown.example')],
  ])('%s has no violations', async (_page, url) => {
    await audited.goto(url())
    await audited.addScriptTag({ content: axe.source })
    const result = (await audited.evaluate(`axe.run(document).then((r) => ({
      passes: r.passes.length,
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) })),
    }))`)) as { passes: number; violations: unknown[] }
    expect(result.violations).toEqual([])
    // It really ran its rules on the page.
    expect(result.passes).toBeGreaterThan(10)
  }, 30_000)
})
