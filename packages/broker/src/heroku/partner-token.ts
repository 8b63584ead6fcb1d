import type {Services} from '../services.js'
import {HerokuApiError} from './http.js'
import type {Queryable} from '../storage/db.js'
import {type Resource, updateResource} from '../storage/resources.js'

// Refresh a little before expiry, so a token never lapses between reading and using it.
const REFRESH_MARGIN_MS = 5 * 60 * 1000

/**
 * The add-on's Platform API token, refreshed first when it is about to expire (Heroku's access
 * tokens last about eight hours; provisioning and later calls may come long after the grant).
 */
export async function freshPartnerToken(
  services: Services,
  db: Queryable,
  resource: Pick<
    Resource,
    'id' | 'oauthAccessTokenSealed' | 'oauthRefreshTokenSealed' | 'oauthExpiresAt'
  >,
  {force = false} = {},
): Promise<string> {
  const {keyRing} = services.config
  if (!resource.oauthAccessTokenSealed || !resource.oauthRefreshTokenSealed) {
    throw new Error(`Add-on ${resource.id} has no stored OAuth tokens.`)
  }

  const expiresAt = resource.oauthExpiresAt?.getTime() ?? 0
  if (!force && expiresAt - Date.now() > REFRESH_MARGIN_MS) {
    return keyRing.unseal(resource.oauthAccessTokenSealed)
  }

  const tokens = await services.oauth.refresh(keyRing.unseal(resource.oauthRefreshTokenSealed))
  const sealed = {
    oauthAccessTokenSealed: keyRing.seal(tokens.accessToken),
    oauthRefreshTokenSealed: keyRing.seal(tokens.refreshToken),
    oauthExpiresAt: tokens.expiresAt,
  }
  await updateResource(db, resource.id, sealed)
  Object.assign(resource, sealed)
  return tokens.accessToken
}

/** Calls the Platform API; a 401 means the token was revoked early, so refresh once and retry. */
export async function withPartnerToken<T>(
  services: Services,
  db: Queryable,
  resource: Parameters<typeof freshPartnerToken>[2],
  call: (token: string) => Promise<T>,
): Promise<T> {
  try {
    return await call(await freshPartnerToken(services, db, resource))
  } catch (error) {
    if (!(error instanceof HerokuApiError && error.status === 401)) throw error

    return call(await freshPartnerToken(services, db, resource, {force: true}))
  }
}
