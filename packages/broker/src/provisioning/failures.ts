import {describeAwsError, isTransientAwsError} from '../aws/service-errors.js'
import {BrokerError} from '../errors.js'
import {HerokuApiError} from '../heroku/http.js'

/**
 * Whether a failed step may succeed if tried again later: throttling, timeouts, 5xx answers and
 * a key AWS does not know yet are; refusals (access denied, quotas, bad names) are not.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof BrokerError) return error.status >= 500
  if (error instanceof HerokuApiError)
    return error.status >= 500 || [401, 429].includes(error.status)
  if ((error as Error)?.name === 'KeyNotReadyError') return true

  return isTransientAwsError(error)
}

/** A sentence for admins and for Heroku, free of secrets. */
export function reasonFor(error: unknown): string {
  if (error instanceof BrokerError || error instanceof HerokuApiError) return error.message

  return describeAwsError(error)
}
