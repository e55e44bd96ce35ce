/**
 * Field types of the admin API and the seed format, with the messages that name each problem.
 * Resource modules (admin/resources/) override the columns of their table with these; wire names
 * are automx2's column names.
 */
import { is, SQL } from 'drizzle-orm'
import * as z from 'zod'
import { normaliseDomain } from '../core/address'

/**
 * A column's default value as schema/schema.ts declares it, so that the API's defaults (which a
 * `PUT` applies to omitted fields) have one owner: the table.
 */
export function defaultOf<D>(column: { readonly default: D | SQL | undefined; readonly name: string }): D {
  const value = column.default
  if (value === undefined || is(value, SQL)) throw new Error(`column ${column.name} has no plain default`)
  return value
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/

export const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters')

export const id = z.number({ error: 'must be a number' }).int('must be a whole number').positive('must be positive')

export const port = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be from 1 to 65535')
  .max(65535, 'must be from 1 to 65535')

export const flag = z.boolean({ error: 'must be true or false' })

export const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `must be one of ${values.join(', ')}` })

export const hostname = z
  .string({ error: 'must be a host name' })
  .meta({ description: 'host name (IDN allowed, stored as lowercase A-labels) or IPv4 address' })
  .transform((value, ctx) => {
    const host = IPV4.test(value.trim()) ? value.trim() : normaliseDomain(value)
    if (host === null) {
      ctx.addIssue({ code: 'custom', message: `'${value}' is not a valid host name` })
      return z.NEVER
    }
    return host
  })

export const domainName = z
  .string({ error: 'must be a domain name' })
  .meta({ description: 'domain name (IDN allowed, stored as lowercase A-labels)' })
  .transform((value, ctx) => {
    const name = normaliseDomain(value)
    if (name === null) {
      ctx.addIssue({ code: 'custom', message: `'${value}' is not a valid domain name` })
      return z.NEVER
    }
    return name
  })

/** A username template: placeholders allowed (docs/clients.md §1.4); the column gives the default. */
export const username = text(255)

export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http or https URL' })

// Quirk(EAS clients): they send the user's password with every ActiveSync request, and iOS and
// Autodiscover v2 clients expect an https endpoint; a plain-http URL is refused.
export const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https URL' })

/** The names of the domains a server serves, in a view or an export. */
export const domainNames = z.array(z.string())
