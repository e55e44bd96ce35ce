import { describe, expect, it } from 'vitest'
import { databaseFilePath } from '../../src/node/database'
import { DEFAULT_NETWORK } from '../../src/node/doctor/run'
import { DEFAULT_HTTP_LIMITS, readSettings } from '../../src/node/settings'

describe('readSettings', () => {
  it('needs no configuration: 127.0.0.1:4243 (automx2\'s port) over file:./data/mailconf.db', () => {
    expect(readSettings({}, [])).toEqual({
      ok: true,
      value: { host: '127.0.0.1', port: 4243, databaseUrl: 'file:./data/mailconf.db', databaseSetting: 'LIBSQL_URL', authToken: undefined, sync: null, seedSample: false, migrateOnly: false, limits: DEFAULT_HTTP_LIMITS, doctor: DEFAULT_NETWORK },
    })
  })

  it('reads HOST, PORT, LIBSQL_URL, LIBSQL_AUTH_TOKEN, --seed-sample and --migrate-only', () => {
    const env = { HOST: '::', PORT: '8080', LIBSQL_URL: 'libsql://db.example.turso.io', LIBSQL_AUTH_TOKEN: 'tok' }
    expect(readSettings(env, ['--seed-sample', '--migrate-only'])).toEqual({
      ok: true,
      value: { host: '::', port: 8080, databaseUrl: 'libsql://db.example.turso.io', databaseSetting: 'LIBSQL_URL', authToken: 'tok', sync: null, seedSample: true, migrateOnly: true, limits: DEFAULT_HTTP_LIMITS, doctor: DEFAULT_NETWORK },
    })
  })

  it('reads DATABASE_URL before its older name LIBSQL_URL, for every supported scheme', () => {
    for (const url of ['postgres://u:p@db.example/mail', 'postgresql://db.example/mail', 'mysql://u:p@db.example:3306/mail', 'file:./x.db', 'libsql://db.example.turso.io']) {
      expect(readSettings({ DATABASE_URL: url, LIBSQL_URL: 'file:./other.db' }, [])).toMatchObject({ ok: true, value: { databaseUrl: url, databaseSetting: 'DATABASE_URL' } })
    }
    expect(readSettings({ DATABASE_URL: ' ', LIBSQL_URL: 'file:./other.db' }, [])).toMatchObject({ ok: true, value: { databaseUrl: 'file:./other.db', databaseSetting: 'LIBSQL_URL' } })
  })

  it('refuses a database URL it cannot use, naming the setting and never repeating the password', () => {
    for (const [env, setting] of [
      [{ DATABASE_URL: 'mongodb://admin:Sup3r-Secret@db.example/mail' }, 'DATABASE_URL'],
      [{ DATABASE_URL: 'postgres://admin:Sup3r-Secret@[db.example/mail' }, 'DATABASE_URL'],
      [{ LIBSQL_URL: 'Sup3r-Secret' }, 'LIBSQL_URL'],
    ] as const) {
      const settings = readSettings(env, [])
      expect(settings).toMatchObject({ ok: false, error: { kind: 'invalid', message: expect.stringContaining(setting) } })
      expect(JSON.stringify(settings)).not.toContain('Sup3r-Secret')
    }
  })

  it('treats empty variables as unset (as systemd Environment= lines often leave them)', () => {
    expect(readSettings({ HOST: '', PORT: ' ', LIBSQL_URL: '', LIBSQL_AUTH_TOKEN: '' }, [])).toMatchObject({
      ok: true,
      value: { host: '127.0.0.1', port: 4243, databaseUrl: 'file:./data/mailconf.db', authToken: undefined },
    })
  })

  describe('an embedded replica (LIBSQL_SYNC_URL)', () => {
    const REPLICA = { LIBSQL_URL: 'file:./data/replica.db', LIBSQL_AUTH_TOKEN: 'tok' }

    it('keeps LIBSQL_URL as a local replica of the primary, synced every 60 s unless told otherwise', () => {
      expect(readSettings({ ...REPLICA, LIBSQL_SYNC_URL: 'libsql://db.example.turso.io' }, [])).toMatchObject({
        ok: true,
        value: { databaseUrl: 'file:./data/replica.db', authToken: 'tok', sync: { url: 'libsql://db.example.turso.io', intervalSeconds: 60 } },
      })
      expect(readSettings({ ...REPLICA, LIBSQL_SYNC_URL: 'https://db.example.turso.io', LIBSQL_SYNC_INTERVAL_SECONDS: '5' }, [])).toMatchObject({
        ok: true,
        value: { sync: { url: 'https://db.example.turso.io', intervalSeconds: 5 } },
      })
    })

    it.each([
      ['a remote LIBSQL_URL', { LIBSQL_URL: 'libsql://other.example.turso.io', LIBSQL_SYNC_URL: 'libsql://db.example.turso.io' }, 'LIBSQL_SYNC_URL needs LIBSQL_URL to be a local file: URL'],
      ['an in-memory LIBSQL_URL', { LIBSQL_URL: 'file::memory:', LIBSQL_SYNC_URL: 'libsql://db.example.turso.io' }, 'LIBSQL_SYNC_URL needs LIBSQL_URL to be a local file: URL'],
      ['an interval without a sync URL', { LIBSQL_SYNC_INTERVAL_SECONDS: '5' }, 'LIBSQL_SYNC_INTERVAL_SECONDS is set but LIBSQL_SYNC_URL is not'],
      ['an interval of 0', { ...REPLICA, LIBSQL_SYNC_URL: 'libsql://db.example.turso.io', LIBSQL_SYNC_INTERVAL_SECONDS: '0' }, 'LIBSQL_SYNC_INTERVAL_SECONDS must be a whole number from 1 to 86400'],
    ])('refuses %s, naming the setting', (_case, env, message) => {
      expect(readSettings(env, [])).toMatchObject({ ok: false, error: { kind: 'invalid', message: expect.stringContaining(message) } })
    })

    it('refuses a sync URL that is no URL of a libsql server without quoting it (it may hold a token)', () => {
      for (const url of ['ftp://db.example?authToken=secret-in-url', 'not a url secret-in-url', 'file:./secret-in-url.db']) {
        const result = readSettings({ ...REPLICA, LIBSQL_SYNC_URL: url }, [])
        expect(result).toMatchObject({ ok: false, error: { kind: 'invalid', message: expect.stringContaining('LIBSQL_SYNC_URL must be the libsql:, https: or http: URL') } })
        expect(JSON.stringify(result)).not.toContain('secret-in-url')
      }
    })

    it('leaves an unset or empty LIBSQL_SYNC_URL as before: LIBSQL_URL is the database', () => {
      expect(readSettings({ LIBSQL_URL: 'file:./data/mailconf.db', LIBSQL_SYNC_URL: ' ' }, [])).toMatchObject({ ok: true, value: { sync: null } })
    })
  })

  it('refuses an ADMIN_TOKEN under 16 characters before starting, naming the setting', () => {
    expect(readSettings({ ADMIN_TOKEN: 'short-token' }, [])).toMatchObject({ ok: false, error: { kind: 'invalid', message: expect.stringContaining('ADMIN_TOKEN must be at least 16 characters') } })
    expect(readSettings({ ADMIN_TOKEN: 'a-token-of-sixteen' }, []).ok).toBe(true)
  })

  it('reads where the doctor asks and dials: DOCTOR_RESOLVER, DOCTOR_HTTPS_PORT, DOCTOR_HTTP_PORT', () => {
    expect(readSettings({ DOCTOR_RESOLVER: '192.0.2.53:5353', DOCTOR_HTTPS_PORT: '8443', DOCTOR_HTTP_PORT: '8080' }, [])).toMatchObject({
      ok: true,
      value: { doctor: { ...DEFAULT_NETWORK, resolver: '192.0.2.53:5353', httpsPort: 8443, httpPort: 8080 } },
    })
  })

  it('accepts PORT=0 (a free port, printed at startup)', () => {
    expect(readSettings({ PORT: '0' }, [])).toMatchObject({ ok: true, value: { port: 0 } })
  })

  it.each([
    [{ PORT: '65536' }, [], 'PORT must be a number from 0 to 65535, got "65536"'],
    [{ PORT: '-1' }, [], 'PORT must be a number'],
    [{ PORT: '80a' }, [], 'PORT must be a number'],
    [{ PROXY_COUNT: 'x' }, [], 'PROXY_COUNT must be a whole number'],
    [{}, ['--seed'], 'unknown argument "--seed"'],
    [{ METRICS_TOKEN: 'short-token' }, [], 'METRICS_TOKEN must be at least 16 characters'],
    [{ DOCTOR_RESOLVER: 'dns.google' }, [], "DOCTOR_RESOLVER takes the address of a DNS server, optionally with a port (127.0.0.1:5353, [::1]:53), not 'dns.google'"],
    [{ DOCTOR_HTTPS_PORT: '0' }, [], "DOCTOR_HTTPS_PORT must be a port from 1 to 65535, not '0'"],
    [{ DOCTOR_HTTP_PORT: 'http' }, [], "DOCTOR_HTTP_PORT must be a port from 1 to 65535, not 'http'"],
  ])('refuses %j %j', (env, args, message) => {
    const result = readSettings(env, args)
    expect(result.ok).toBe(false)
    if (!result.ok && result.error.kind === 'invalid') expect(result.error.message).toContain(message)
    else throw new Error('expected an invalid-settings error')
  })

  it('answers --help with the usage', () => {
    expect(readSettings({}, ['--help'])).toEqual({ ok: false, error: { kind: 'help' } })
  })
})

describe('databaseFilePath', () => {
  it.each([
    ['file:./data/mailconf.db', './data/mailconf.db'],
    ['file:data.db', 'data.db'],
    ['file:/var/lib/mailconf/mailconf.db', '/var/lib/mailconf/mailconf.db'],
    ['file:///var/lib/mailconf/mailconf.db', '/var/lib/mailconf/mailconf.db'],
    ['file:./my%20data/x.db', './my data/x.db'],
    ['libsql://db.example.turso.io', null],
    ['https://db.example.turso.io', null],
  ])('%s → %s', (url, expected) => {
    expect(databaseFilePath(url)).toBe(expected)
  })
})
