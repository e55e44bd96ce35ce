/**
 * An outage of something the service depends on: the configuration database or a domain's user
 * directory (LDAP). Raised where the failure happens and answered by the protocol router of the
 * request (app/failures.ts), so no route handles outages itself.
 */
export type Dependency = 'database' | 'directory'

export class ServiceUnavailableError extends Error {
  constructor(
    readonly dependency: Dependency,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}
