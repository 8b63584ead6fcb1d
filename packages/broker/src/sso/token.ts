import {createHash, timingSafeEqual} from 'node:crypto'
import {BrokerError} from '../errors.js'

/** Heroku's SSO form, and the `params` of the `x-addon-sso` header, as far as byo-s3 reads them. */
export interface SsoParams {
  resource_id?: unknown
  resource_token?: unknown
  timestamp?: unknown
  email?: unknown
  user_id?: unknown
  app?: unknown
}

/** A token older than this is refused, as Heroku's add-on guidance asks. */
export const MAX_AGE_SECONDS = 5 * 60
/** How far ahead of our clock a timestamp may be before it counts as forged. */
export const ALLOWED_SKEW_SECONDS = 60

/** The token Heroku signs an SSO request with: lower-case hex SHA-1 of `id:salt:timestamp`. */
export function ssoToken(resourceId: string, salt: string, timestamp: string): string {
  return createHash('sha1').update(`${resourceId}:${salt}:${timestamp}`).digest('hex')
}

/**
 * Checks an SSO token and returns the add-on id it proves access to. Every failure is the same
 * 403, so a caller learns nothing about which part was wrong.
 */
export function verifySso(
  params: SsoParams,
  salt: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): {resourceId: string; email: string | null; userId: string | null} {
  const {resource_id: resourceId, resource_token: token, timestamp} = params
  if (typeof resourceId !== 'string' || typeof token !== 'string') throw refused()
  if (typeof timestamp !== 'string' && typeof timestamp !== 'number') throw refused()
  if (!/^\d{1,12}$/.test(String(timestamp))) throw refused()

  const age = nowSeconds - Number(timestamp)
  if (age > MAX_AGE_SECONDS || age < -ALLOWED_SKEW_SECONDS) throw refused()

  const expected = Buffer.from(ssoToken(resourceId, salt, String(timestamp)))
  const given = Buffer.from(token.toLowerCase())
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused()

  return {
    resourceId,
    email: typeof params.email === 'string' ? params.email : null,
    userId: typeof params.user_id === 'string' ? params.user_id : null,
  }
}

function refused(): BrokerError {
  return new BrokerError(
    403,
    'sso_refused',
    'This single sign-on link is not valid or has expired. Open the add-on again from Heroku.',
  )
}
