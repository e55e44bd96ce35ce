/**
 * A strict reader of XML property lists, for the profile rules (mobileconfig.ts), the doctor and the
 * tests (workerd has no DOMParser, which the plist package's browser build needs). Keeps key order,
 * refuses duplicate keys and unknown elements, and keeps string values exactly as written (no
 * trimming), so the reader sees what a client would.
 */
import { XMLParser } from 'fast-xml-parser'

export type Plist = string | number | boolean | Date | Uint8Array | Plist[] | PlistDict
export interface PlistDict {
  [key: string]: Plist
}

type Node = Record<string, unknown>

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
})

const tagOf = (node: Node) => Object.keys(node).find((k) => k !== ':@') ?? ''
const isBlank = (node: Node) => tagOf(node) === '#text' && String(node['#text']).trim() === ''
const elements = (children: unknown): Node[] => (children as Node[]).filter((n) => !isBlank(n))
const textOf = (children: unknown): string =>
  (children as Node[]).map((n) => {
    if (tagOf(n) !== '#text') throw new Error(`unexpected <${tagOf(n)}> inside a text element`)
    return String(n['#text'])
  }).join('')

function toValue(node: Node): Plist {
  const tag = tagOf(node)
  const children = node[tag]
  switch (tag) {
    case 'dict': {
      const items = elements(children)
      const out: PlistDict = {}
      for (let i = 0; i < items.length; i += 2) {
        const keyNode = items[i] as Node
        const valueNode = items[i + 1]
        if (tagOf(keyNode) !== 'key') throw new Error(`<dict> holds <${tagOf(keyNode)}> where a <key> belongs`)
        const key = textOf(keyNode.key)
        if (!valueNode) throw new Error(`<key>${key}</key> has no value`)
        if (key in out) throw new Error(`duplicate key ${key}`)
        out[key] = toValue(valueNode)
      }
      return out
    }
    case 'array':
      return elements(children).map(toValue)
    case 'string':
      return textOf(children)
    case 'integer': {
      const text = textOf(children)
      if (!/^-?\d+$/.test(text)) throw new Error(`<integer>${text}</integer> is not an integer`)
      return Number(text)
    }
    case 'real':
      return Number(textOf(children))
    case 'true':
    case 'false':
      if (elements(children).length > 0) throw new Error(`<${tag}> must be empty`)
      return tag === 'true'
    case 'date':
      return new Date(textOf(children))
    case 'data':
      return Uint8Array.from(atob(textOf(children).replace(/\s/g, '')), (c) => c.charCodeAt(0))
    default:
      throw new Error(`unknown plist element <${tag}>`)
  }
}

/** Parses a plist document; throws on anything that is not a well-formed plist. */
export function parsePlist(document: string): Plist {
  if (!document.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) throw new Error('no XML declaration')
  if (!document.includes('<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN"')) throw new Error('no plist DOCTYPE')
  const roots = elements(parser.parse(document, true) as Node[]).filter((n) => !['?xml', '!DOCTYPE'].includes(tagOf(n)))
  const plist = roots[0]
  if (roots.length !== 1 || !plist || tagOf(plist) !== 'plist') throw new Error('the root element must be <plist>')
  const values = elements(plist.plist)
  if (values.length !== 1 || !values[0]) throw new Error('<plist> must hold exactly one value')
  return toValue(values[0])
}
