/**
 * JSON log lines on the console (Workers Logs and `wrangler tail` read them). Callers pass only
 * fields that are safe to keep: never a local part, a password, an Authorization header or a body.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

function isLogLevel(value: string | undefined): value is LogLevel {
  return value !== undefined && value in RANK
}

/** How many layers of percent-encoding are peeled off a segment before it is judged. */
const ENCODING_LAYERS = 4

/**
 * Whether a path segment holds an `@`, also under layers of percent-encoding (`%40`, `%2540`,
 * `%25%34%30`): a client or an attacker may encode an address more than once, and the log must
 * not keep the local part either way.
 */
function holdsAddress(segment: string): boolean {
  let text = segment
  for (let layer = 0; layer <= ENCODING_LAYERS; layer++) {
    if (/@|%(?:25)*40/i.test(text)) return true
    let decoded: string
    try {
      decoded = decodeURIComponent(text)
    } catch {
      return false
    }
    if (decoded === text) return false
    text = decoded
  }
  // Still encoded after that many layers: nobody sends such a path in good faith.
  return true
}

/**
 * The path as logged: a segment holding an address (`/autodiscover/autodiscover.json/v1.0/<address>`)
 * is replaced, so local parts stay out of the log there too.
 */
export function loggablePath(path: string): string {
  return path
    .split('/')
    .map((segment) => (holdsAddress(segment) ? '<address>' : segment))
    .join('/')
}

export type LogFields = Record<string, string | number | boolean | null | undefined>

export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void
  /** Whether a line of this level is written: fields that cost something are made only then. */
  logs(level: LogLevel): boolean
}

function createLogger(level: LogLevel): Logger {
  const threshold = RANK[level]
  return {
    logs: (level) => RANK[level] >= threshold,
    log(level, message, fields = {}) {
      if (RANK[level] < threshold) return
      const line = JSON.stringify({ level, msg: message, ...fields })
      if (level === 'error') console.error(line)
      else if (level === 'warn') console.warn(line)
      else console.log(line)
    },
  }
}

const loggers = new Map<LogLevel, Logger>()

/** The logger for a `LOG_LEVEL` setting (unknown or unset: info); one per level, made once. */
export function loggerFor(configuredLevel: string | undefined): Logger {
  const level = isLogLevel(configuredLevel) ? configuredLevel : 'info'
  let logger = loggers.get(level)
  if (!logger) loggers.set(level, (logger = createLogger(level)))
  return logger
}
