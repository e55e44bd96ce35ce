/**
 * The config lookup on MySQL/MariaDB: one statement, built from the relations of `domain` in
 * schema/schema.ts, returning the row Drizzle's relational query returns elsewhere.
 *
 * Drizzle's relational query on MySQL nests derived tables that refer to the outer row, which
 * MariaDB cannot run (MySQL 8 can). Correlated subqueries in the select list, each building JSON,
 * are what both accept: one per relation of `domain`. A `one` relation is a JSON object of the
 * related row; a `many` relation to a link table (server_domain, davserver_domain, …) is a JSON
 * array of the rows the links lead to, each under the link's own relation name. The provider's
 * domains (its one nested relation) come as (id, name) pairs, sorted here by id. A relation or link
 * table added to schema.ts is read without a change here.
 *
 * The domain name is compared as stored: MySQL's default collations ignore letter case, and keep
 * the unique index.
 */
import { createTableRelationsHelpers, extractTablesRelationalConfig, getTableColumns, getTableName, getTableUniqueName, is, Many, normalizeRelation, One, sql, type SQL, type Table } from 'drizzle-orm'
import * as schema from '../../schema/schema'

type Relational = ReturnType<typeof extractTablesRelationalConfig>

const tableOf = ({ tables, tableNamesMap }: Relational, relationTarget: Table) => {
  const config = tables[tableNamesMap[getTableUniqueName(relationTarget)] ?? '']
  if (!config) throw new Error(`no relational config for ${getTableName(relationTarget)}`)
  return config
}
const id = (name: string) => sql.identifier(name)

/** JSON_OBJECT of every column of `table` as aliased `alias`. */
function jsonObject(table: Table, alias: string): SQL {
  const pairs = Object.values(getTableColumns(table)).map((c) => sql`${c.name}, ${id(alias)}.${id(c.name)}`)
  return sql`JSON_OBJECT(${sql.join(pairs, sql`, `)})`
}

/** A row read from JSON: booleans come back as 0/1, as MySQL stores them. */
function decode(table: Table, value: unknown): Record<string, unknown> | null {
  if (value === null || typeof value !== 'object') return null
  const row: Record<string, unknown> = { ...(value as Record<string, unknown>) }
  for (const column of Object.values(getTableColumns(table))) {
    if (column.columnType === 'SQLiteBoolean' && row[column.name] !== null) row[column.name] = row[column.name] === true || row[column.name] === 1
  }
  return row
}

/** MariaDB returns JSON as text, MySQL as parsed values (mysql2 parses its JSON type). */
const json = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value)

interface Part {
  readonly select: SQL
  readonly read: (raw: Record<string, unknown>) => unknown
}

function relationParts(): [string, Part][] {
  const relational = extractTablesRelationalConfig(schema, createTableRelationsHelpers)
  const { tables, tableNamesMap } = relational
  const domain = tables['domain']
  if (!domain) throw new Error('schema.ts has no domain table')
  const parts: [string, Part][] = []
  for (const [name, relation] of Object.entries(domain.relations)) {
    const target = tableOf(relational, relation.referencedTable)
    const targetTable = relation.referencedTable
    const { fields, references } = normalizeRelation(tables, tableNamesMap, relation)
    const join = sql.join(
      fields.map((f, i) => sql`r.${id(references[i]?.name ?? '')} = d.${id(f.name)}`),
      sql` AND `,
    )
    if (is(relation, One)) {
      const nested = name === 'provider' ? sql`, (SELECT JSON_ARRAYAGG(JSON_ARRAY(o.id, o.name)) FROM domain o WHERE o.provider_id = d.provider_id) AS ${id(`${name}__domains`)}` : sql``
      parts.push([
        name,
        {
          select: sql`(SELECT ${jsonObject(targetTable, 'r')} FROM ${id(target.dbName)} r WHERE ${join}) AS ${id(name)}${nested}`,
          read: (raw) => {
            const row = decode(targetTable, json(raw[name]))
            if (!row || name !== 'provider') return row
            const pairs = (json(raw[`${name}__domains`]) ?? []) as [number, string][]
            return { ...row, domains: pairs.sort((a, b) => a[0] - b[0]).map(([, domainName]) => ({ name: domainName })) }
          },
        },
      ])
    } else if (is(relation, Many)) {
      // A link table: its other `one` relation leads to the rows served.
      const [innerName, inner] = Object.entries(target.relations).find(([, r]) => is(r, One) && r.referencedTable !== relation.sourceTable) ?? []
      if (!innerName || !inner) throw new Error(`${name}: a many relation of domain must go through a link table`)
      const served = inner.referencedTable
      const link = normalizeRelation(tables, tableNamesMap, inner)
      const on = sql.join(
        link.fields.map((f, i) => sql`r.${id(f.name)} = s.${id(link.references[i]?.name ?? '')}`),
        sql` AND `,
      )
      parts.push([
        name,
        {
          select: sql`(SELECT JSON_ARRAYAGG(${jsonObject(served, 's')}) FROM ${id(target.dbName)} r JOIN ${id(tableOf(relational, served).dbName)} s ON ${on} WHERE ${join}) AS ${id(name)}`,
          read: (raw) => ((json(raw[name]) ?? []) as unknown[]).map((row) => ({ [innerName]: decode(served, row) })),
        },
      ])
    }
  }
  return parts
}

// Built on first use: a Worker on D1 never walks the relations for it.
let built: [string, Part][] | null = null
const parts = () => (built ??= relationParts())

export function mysqlDomainQuery(name: string): SQL {
  return sql`SELECT d.name AS name, ${sql.join(
    parts().map(([, part]) => part.select),
    sql`, `,
  )} FROM domain d WHERE d.name = ${name}`
}

/** The statement's one row in the relational query's shape (db/domain-query.ts types it). */
export function mysqlDomainRow(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries([['name', String(raw.name)], ...parts().map(([name, part]) => [name, part.read(raw)] as const)])
}
