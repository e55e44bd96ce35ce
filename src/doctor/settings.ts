/**
 * The doctor's network settings as typed by an operator (`--resolver`, `--https-port`, … on the
 * CLI; DOCTOR_* on the Node server), read into what the probes take, or a message naming the problem.
 */
import { fail, ok, type Result } from '../core/result'

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/

/**
 * `HOST:PORT` (or just `HOST`, port 53) where HOST is an address: a resolver named by a host name
 * would need another resolver first. Returns the form node:dns `setServers` takes; `what` names
 * the setting in the message.
 */
export function parseResolver(text: string, what: string): Result<string, string> {
  const problem = `${what} takes the address of a DNS server, optionally with a port (127.0.0.1:5353, [::1]:53), not '${text.slice(0, 100)}'`
  const trimmed = text.trim()
  // A bare IPv6 address has colons of its own; only the bracketed form can carry a port.
  const bracketed = /^[0-9a-f:.]+$/i.test(trimmed) && trimmed.includes(':') && !IPV4.test(trimmed.split(':')[0] ?? '') ? `[${trimmed}]` : trimmed
  if (!URL.canParse(`dns://${bracketed}`)) return fail(problem)
  const url = new URL(`dns://${bracketed}`)
  if (url.username !== '' || url.password !== '' || url.pathname !== '' || url.search !== '' || url.hash !== '') return fail(problem)
  const host = url.hostname
  const isIpv4 = IPV4.test(host) && host.split('.').every((octet) => Number(octet) <= 255)
  if (!isIpv4 && !host.startsWith('[')) return fail(problem)
  const port = url.port === '' ? 53 : Number(url.port)
  if (port < 1) return fail(problem)
  return ok(`${host}:${port}`)
}

/** A TCP port from 1 to 65535, named by `what` in the message. */
export function parsePort(text: string, what: string): Result<number, string> {
  const port = /^\d{1,5}$/.test(text.trim()) ? Number(text.trim()) : NaN
  return port >= 1 && port <= 65535 ? ok(port) : fail(`${what} must be a port from 1 to 65535, not '${text.slice(0, 20)}'`)
}

/** The local part the doctor asks about when no address is given: it names nobody. */
export const DOCTOR_LOCAL_PART = 'mailconf-doctor'
