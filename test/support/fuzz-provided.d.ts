/** What vitest.config.ts provides to the fuzz suite (`inject('fuzz')`), from FUZZ_RUNS / FUZZ_SEED. */
declare module 'vitest' {
  export interface ProvidedContext {
    fuzz: {
      /** Runs per property; 0 = the CI default of each property. */
      runs: number
      /** A fast-check seed to replay; null = a new random seed. */
      seed: number | null
    }
  }
}

export {}
