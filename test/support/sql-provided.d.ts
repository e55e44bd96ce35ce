/** What sql-global-setup.ts provides to the tests (`inject('sql')`): administrative URLs of the test servers. */
declare module 'vitest' {
  export interface ProvidedContext {
    sql: {
      postgres: string
      mysql: string
    }
  }
}

export {}
