import type {FastifyRequest} from 'fastify'
import {BrokerError} from '../errors.js'
import {type SsoParams, verifySso} from '../sso/token.js'

export interface AddonCaller {
  addonId: string
  email: string | null
  userId: string | null
}

/**
 * Who may act on add-on `addonId`: the Heroku CLI fetches the add-on's SSO form from Heroku
 * (`GET /apps/{app}/addons/{id}/sso`) and sends it base64-encoded JSON in `x-addon-sso`. A valid,
 * fresh token for this very add-on proves the caller can open it; the user's own Heroku token
 * never reaches the broker.
 */
export function addonCaller(request: FastifyRequest, salt: string, addonId: string): AddonCaller {
  const header = request.headers['x-addon-sso']
  if (typeof header !== 'string' || header.trim() === '') {
    throw new BrokerError(
      401,
      'sso_required',
      "Send the add-on's single sign-on form from Heroku (GET /apps/{app}/addons/{id}/sso), " +
        'base64-encoded, in the x-addon-sso header.',
    )
  }

  const caller = verifySso(paramsOf(header), salt)
  if (caller.resourceId !== addonId) {
    throw new BrokerError(
      403,
      'sso_other_addon',
      'This single sign-on token is for another add-on. Name the add-on you mean with --app.',
    )
  }

  return {addonId, email: caller.email, userId: caller.userId}
}

/** The form fields inside the header; anything unreadable is an empty form, refused as such. */
function paramsOf(header: string): SsoParams {
  try {
    const sso: unknown = JSON.parse(Buffer.from(header, 'base64').toString('utf8'))
    const params = (sso as {params?: unknown} | null)?.params
    return typeof params === 'object' && params !== null ? (params as SsoParams) : {}
  } catch {
    return {}
  }
}
