import type {LightMyRequestResponse} from 'fastify'
import {ssoToken} from '../../src/sso/token.js'
import {auditSecret} from './log-audit.js'
import type {TestBroker} from './app.js'
import {provisionedAddon as provisionedWithConfig} from './rotation.js'
import type {ProvisionOptions} from './slice.js'

/** The form Heroku's redirector posts when a user opens the add-on, signed with the broker's salt. */
export function ssoForm(
  broker: TestBroker,
  addonId: string,
  {timestamp = Math.floor(Date.now() / 1000), salt = broker.config.ssoSalt} = {},
): Record<string, string> {
  const token = ssoToken(addonId, salt, String(timestamp))
  auditSecret('SSO resource_token', token)
  return {
    resource_id: addonId,
    resource_token: token,
    timestamp: String(timestamp),
    email: 'ada@acme.example',
    user_id: '2d8e4f6a-1b3c-4d5e-9f70-81a2b3c4d5e6',
    app: 'shop',
    context_app: 'shop',
  }
}

export function postSsoForm(broker: TestBroker, form: Record<string, string>) {
  return broker.app.inject({
    method: 'POST',
    url: '/sso/login',
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    payload: new URLSearchParams(form).toString(),
  })
}

/** Signs in to the add-on's dashboard and returns the session cookie, as `name=value`. */
export async function signIn(broker: TestBroker, addonId: string): Promise<string> {
  const response = await postSsoForm(broker, ssoForm(broker, addonId))
  if (response.statusCode !== 303) {
    throw new Error(`SSO login answered ${response.statusCode}: ${response.body}`)
  }

  return sessionCookieOf(response)!
}

export function sessionCookieOf(response: LightMyRequestResponse): string | undefined {
  const cookie = response.cookies.find(({name}) => name.endsWith('byo-s3-session'))
  return cookie && `${cookie.name}=${cookie.value}`
}

export function getDashboard(broker: TestBroker, cookie?: string, url = '/dashboard') {
  return broker.app.inject({method: 'GET', url, headers: cookie ? {cookie} : {}})
}

/**
 * An add-on of team acme whose provisioning ran to the end, with Heroku's config and AWS faked
 * for what follows (until the test ends): its bucket, key and fakes.
 */
export async function provisionedAddon(broker: TestBroker, options: ProvisionOptions = {}) {
  const addon = await provisionedWithConfig(broker, options)
  const config = Object.fromEntries(addon.config.patches[0].map(({name, value}) => [name, value]))
  const bucketName = config.BYO_S3_BUCKET_NAME!
  return {
    ...addon,
    bucketName,
    region: config.BYO_S3_AWS_REGION!,
    accessKeyId: config.BYO_S3_AWS_ACCESS_KEY_ID!,
    secretAccessKey: config.BYO_S3_AWS_SECRET_ACCESS_KEY!,
  }
}
