/**
 * Evolution's own Autoconfig lookup (e_mail_autoconfig_new_sync in Evolution's libevolution-mail,
 * then the account wizard's e_mail_autoconfig_set_*_details) against this checkout's Node server
 * behind NGINX: scripts/clients/evolution-lookup.sh, which runs it all in private network, mount and
 * PID namespaces (see scripts/clients/EVOLUTION.md). Evolution keeps the last server of each type in
 * the document, so it ends on the preferred one only because the document repeats it last.
 * The Debian packages come from scripts/system-packages.mjs (the script only checks here).
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SCRIPT = 'scripts/clients/evolution-lookup.sh'

interface Chosen {
  readonly host: string
  readonly port: number
  readonly security: string
}
interface Report {
  readonly evolution: string
  readonly tls: boolean
  readonly requests: string[]
  readonly user_agents: string[]
  readonly served: Record<string, string[]>
  readonly chosen: { imap: Chosen | null; pop3: Chosen | null; smtp: Chosen | null }
  readonly ok: boolean
}

function run(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT, '--no-install', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

async function lookup(...args: string[]): Promise<Report> {
  const result = await run(...args)
  expect(result.status, `${result.stderr}\n${result.stdout}`).toBe(0)
  return JSON.parse(result.stdout) as Report
}

const QUERY = 'emailaddress=EVOLUTIONUSER%40evo.test&emailmd5=<md5 of the address>'

describe('Evolution 3.46 (Debian 12) Autoconfig lookup', () => {
  it.concurrent('asks https://autoconfig.<domain>/ once and ends on the preferred IMAP and SMTP servers', async () => {
    const report = await lookup()
    expect(report.evolution).toMatch(/^3\.46\./)
    // One request: the first URL Evolution tries answers (the MD5 is of the whole address).
    expect(report.requests).toEqual([`GET https://autoconfig.evo.test/mail/config-v1.1.xml?${QUERY} HTTP/2.0 200`])
    expect(report.user_agents).toEqual([expect.stringMatching(/^Evolution\/3\.46\./)])
    // The document is version 1.2 with a JMAP entry after the IMAP ones (and OAuth2, WebDAV,
    // ManageSieve at the root: docs/clients.md §1.8); none of it moves Evolution off IMAP.
    expect(report.served.jmap).toEqual(['https://jmap.evo.test/.well-known/jmap'])
    // The document ends on the preferred server of each type …
    expect(report.served.imap?.at(-1)).toBe('imap.evo.test:993 SSL')
    expect(report.served.smtp?.at(-1)).toBe('smtp.evo.test:465 SSL')
    // … and that is where Evolution's account settings end.
    expect(report.chosen).toEqual({
      imap: expect.objectContaining({ host: 'imap.evo.test', port: 993, security: 'ssl-on-alternate-port' }),
      pop3: null,
      smtp: expect.objectContaining({ host: 'smtp.evo.test', port: 465, security: 'ssl-on-alternate-port' }),
    })
    expect(report.ok).toBe(true)
  })

  it.concurrent('falls back to http://autoconfig.<domain>/ when nothing answers on 443, with the same outcome', async () => {
    const report = await lookup('--http-only')
    expect(report.requests).toEqual([`GET http://autoconfig.evo.test/mail/config-v1.1.xml?${QUERY} HTTP/1.1 200`])
    expect(report.chosen.imap).toMatchObject({ host: 'imap.evo.test', port: 993, security: 'ssl-on-alternate-port' })
    expect(report.chosen.smtp).toMatchObject({ host: 'smtp.evo.test', port: 465, security: 'ssl-on-alternate-port' })
  })
}, 60_000)
