/**
 * How each Autoconfig client picks among several entries of one type (docs/clients.md §1.7): the
 * first entry, or the last one because it overwrites as it parses. `chosenServers` reads a document
 * the way such a client does and returns the server it ends on per type, as `host:port socketType`.
 */
import { XMLParser } from 'fast-xml-parser'

export type Reading = 'first' | 'last'

/** docs/clients.md §1.7, "First or last, per client". */
export const CLIENT_READINGS: Readonly<Record<string, Reading>> = {
  Thunderbird: 'first',
  'Thunderbird for Android / K-9': 'first',
  'Delta Chat': 'first',
  KDE: 'first',
  Evolution: 'last',
  FairEmail: 'last',
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => ['incomingServer', 'outgoingServer'].includes(name),
})

interface Entry {
  '@type': string
  hostname: string
  port: string
  socketType: string
}

export function chosenServers(document: string, reading: Reading): Record<string, string> {
  const provider = (parser.parse(document) as { clientConfig: { emailProvider: Record<string, Entry[] | undefined> } }).clientConfig.emailProvider
  const chosen: Record<string, string> = {}
  for (const entry of [...(provider.incomingServer ?? []), ...(provider.outgoingServer ?? [])]) {
    const type = entry['@type']
    if (reading === 'last' || !(type in chosen)) chosen[type] = `${entry.hostname}:${entry.port} ${entry.socketType}`
  }
  return chosen
}
