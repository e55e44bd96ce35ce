/**
 * The landing page in a real browser: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), against the Worker served over HTTP on 127.0.0.1 with a seeded local D1.
 * Passwords are enabled; 127.0.0.1 is loopback, so the route accepts one over plain http. The
 * browser runs with JavaScript disabled throughout: the page must work without it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveWorker, type ServedWorker } from '../../support/node/served-worker'

const CHROMIUM = '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

let worker: ServedWorker
let profileDir: string
let context: BrowserContext
let page: Page
const consoleErrors: string[] = []

beforeAll(async () => {
  worker = await serveWorker({ PERMIT_CLEARTEXT_PASSWORDS: 'I_understand_the_risks' })
  profileDir = mkdtempSync(join(tmpdir(), 'mailconf-chromium-'))
  context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: ARGS, acceptDownloads: true, javaScriptEnabled: false })
  page = await context.newPage()
  // A CSP violation (e.g. a style the hash does not allow) shows up as a console error.
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
}, 60_000)

afterAll(async () => {
  await context?.close()
  await worker?.close()
  if (profileDir) rmSync(profileDir, { recursive: true, force: true })
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

  it('reports an unknown domain on the page, as an alert', async () => {
    await page.goto(new URL('/', worker.url).href)
    await page.getByLabel('Email address').fill('someone@unknown.example')
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes('emailaddress=')), page.getByRole('button', { name: 'Show my settings' }).click()])
    expect(response.status()).toBe(404)
    expect(await page.getByRole('alert').innerText()).toBe('There are no settings for unknown.example here.')
  }, 30_000)
})
