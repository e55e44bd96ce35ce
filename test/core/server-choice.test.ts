import { describe, expect, it } from 'vitest'
import type { MailServer } from '../../src/core/model'
import { choosePrimaryServers } from '../../src/core/server-choice'
import { aServer } from '../support/build'

type Choosable = MailServer & { readonly oauth2Only?: boolean }
const imap = (o: Partial<Choosable> = {}) => aServer({ type: 'imap', hostname: 'imap.example.net', ...o })
const pop = (o: Partial<Choosable> = {}) => aServer({ type: 'pop', hostname: 'pop.example.net', port: 995, ...o })
const smtp = (o: Partial<Choosable> = {}) => aServer({ type: 'smtp', hostname: 'smtp.example.net', port: 465, ...o })

// docs/clients.md §3.3: one incoming and one outgoing server; IMAP over POP, encrypted over plain,
// then priority.
describe('choosePrimaryServers', () => {
  it.each<[string, MailServer[], string, string]>([
    ['IMAP over POP even at a better priority', [pop({ prio: 1 }), imap({ prio: 50 }), smtp()], 'imap.example.net', 'smtp.example.net'],
    ['encrypted IMAP over plain IMAP', [imap({ hostname: 'plain.example.net', socketType: 'plain', port: 143, prio: 1 }), imap({ prio: 9 }), smtp()], 'imap.example.net', 'smtp.example.net'],
    ['STARTTLS counts as encrypted', [imap({ hostname: 'plain.example.net', socketType: 'plain', prio: 1 }), imap({ socketType: 'STARTTLS', port: 143 }), smtp()], 'imap.example.net', 'smtp.example.net'],
    ['a plain IMAP over an encrypted POP', [pop(), imap({ socketType: 'plain', port: 143 }), smtp()], 'imap.example.net', 'smtp.example.net'],
    ['POP when there is no IMAP', [pop(), smtp()], 'pop.example.net', 'smtp.example.net'],
    ['the lower priority among equals', [imap({ hostname: 'b.example.net', prio: 20 }), imap({ hostname: 'a.example.net', prio: 10 }), smtp()], 'a.example.net', 'smtp.example.net'],
    ['encrypted SMTP over plain SMTP', [imap(), smtp({ hostname: 'plain.example.net', socketType: 'plain', port: 25, prio: 1 }), smtp({ port: 587, socketType: 'STARTTLS', prio: 30 })], 'imap.example.net', 'smtp.example.net'],
    ['the lower-priority SMTP', [imap(), smtp({ hostname: 'late.example.net', prio: 30 }), smtp({ prio: 5 })], 'imap.example.net', 'smtp.example.net'],
    ['the first listed at a tie', [imap({ hostname: 'first.example.net' }), imap({ hostname: 'second.example.net' }), smtp()], 'first.example.net', 'smtp.example.net'],
  ])('picks %s', (_case, servers, incoming, outgoing) => {
    const chosen = choosePrimaryServers(servers)
    expect(chosen.ok && chosen.value.incoming.hostname).toBe(incoming)
    expect(chosen.ok && chosen.value.outgoing.hostname).toBe(outgoing)
  })

  it.each<[string, Choosable[], string]>([
    ['no incoming server', [smtp()], 'incoming'],
    ['no outgoing server', [imap(), pop()], 'outgoing'],
    ['no server at all', [], 'incoming'],
    // §5.11: Apple profiles and the landing page log in with a password.
    ['only OAuth2-only incoming servers', [imap({ oauth2Only: true }), smtp()], 'incoming-oauth2-only'],
    ['only OAuth2-only outgoing servers', [imap(), smtp({ oauth2Only: true })], 'outgoing-oauth2-only'],
  ])('reports %s', (_case, servers, missing) => {
    expect(choosePrimaryServers(servers)).toEqual({ ok: false, error: missing })
  })

  it('passes over an OAuth2-only server for one that takes a password', () => {
    const chosen = choosePrimaryServers([imap({ hostname: 'oauth.example.net', oauth2Only: true, prio: 1 }), imap({ prio: 20 }), smtp()])
    expect(chosen.ok && chosen.value.incoming.hostname).toBe('imap.example.net')
  })
})
