/** An operator's configuration mistake (no database, a malformed setting): the app answers 500 and says which. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError'
}
