/** What slapd-global-setup.ts provides to the tests (`inject('ldap')`). */
declare module 'vitest' {
  export interface ProvidedContext {
    ldap: {
      port: number
      ldapsPort: number
      caPem: string
      silentPort: number
      closedPort: number
    }
  }
}

export {}
