/**
 * RFC 6764 well-known DAV redirects through the whole service, on every target.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { seed, type ProtocolTarget } from '../../support/target'

const SOGO = {
  version: 2,
  provider: 'SOGo Mail',
  domains: ['sogo.example'],
  servers: [
    { type: 'imap', name: 'imap.sogo.example' },
    { type: 'smtp', name: 'smtp.sogo.example' },
    { type: 'caldav', url: 'https://dav.sogo.example/SOGo/dav/%EMAILADDRESS%/Calendar/personal/' },
    { type: 'carddav', url: 'https://dav.sogo.example:8843/SOGo/dav/%EMAILADDRESS%/Contacts/personal/' },
  ],
}

export function describeDavDiscovery(target: ProtocolTarget): void {
  describe(`RFC 6764 /.well-known/caldav and carddav on ${target.name}`, () => {
    beforeEach(async () => {
      await target.reset()
      expect((await seed(target, SOGO)).status).toBe(200)
    })

    const ask = (url: string, method = 'GET') => target.fetch(url, { method, redirect: 'manual' })

    it.each([
      ['GET', 'https://sogo.example/.well-known/caldav', 'https://dav.sogo.example/SOGo/dav/'],
      ['GET', 'https://sogo.example/.well-known/caldav/', 'https://dav.sogo.example/SOGo/dav/'],
      // DAV clients ask with PROPFIND as often as with GET.
      ['PROPFIND', 'https://sogo.example/.well-known/caldav', 'https://dav.sogo.example/SOGo/dav/'],
      ['HEAD', 'https://sogo.example/.well-known/carddav', 'https://dav.sogo.example:8843/SOGo/dav/'],
      ['GET', 'https://sogo.example/.well-known/carddav', 'https://dav.sogo.example:8843/SOGo/dav/'],
      // The service's own names for the domain work as well (autoconfig.<domain>).
      ['GET', 'https://autoconfig.sogo.example/.well-known/caldav', 'https://dav.sogo.example/SOGo/dav/'],
    ])('%s %s → 301 to the context path %s', async (method, url, location) => {
      const response = await ask(url, method)
      expect(response.status).toBe(301)
      expect(response.headers.get('Location')).toBe(location)
      expect(response.headers.get('Cache-Control')).toBe('public, max-age=60')
    })

    it('answers 404 naming the service for a domain without a DAV server of that type', async () => {
      await target.reset()
      const withoutCardDav = { ...SOGO, servers: SOGO.servers.filter((s) => s.type !== 'carddav') }
      expect((await seed(target, withoutCardDav)).status).toBe(200)
      const response = await ask('https://sogo.example/.well-known/carddav')
      expect(response.status).toBe(404)
      expect(await response.text()).toBe('no CardDAV server for sogo.example')
      expect((await ask('https://sogo.example/.well-known/caldav')).status).toBe(301)
    })

    it('answers 404 for a domain nobody here serves, and 400 for a host that names no domain', async () => {
      const unknown = await ask('https://unknown.example/.well-known/caldav')
      expect(unknown.status).toBe(404)
      expect(await unknown.text()).toBe('no mail configuration for unknown.example')
      const noDomain = await ask('https://127.0.0.1/.well-known/caldav')
      expect(noDomain.status).toBe(400)
      expect(await noDomain.text()).toBe('the host name names no mail domain')
    })
  })
}
