import {randomUUID} from 'node:crypto'

/** The one team every benchmark app belongs to; the benchmark links it to AWS up front. */
export const TEAM = {id: '5f0c8a52-3c1e-4d7b-9a66-2b8e4f1d7c30', name: 'bench-team'}
export const APP = {id: 'b7d4e0a9-6f2c-4e18-8d35-9c1a7e5f3b62', name: 'bench-shop'}
/** Another app of bench-team, with a database and no byo-s3 add-on. */
export const PLAIN_APP = {id: 'e3b8f1c6-0d4a-4b92-a7e5-6c2d9f0b1a84', name: 'bench-blog'}
/** The name Heroku gives every benchmark add-on of APP. */
export const ADDON_NAME = 'byo-s3-bench-71234'
export const ACCOUNT_ID = '111122223333'
/** The access key bench-team is linked with. */
export const LINKED_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'bench-linked-secret-access-key-0123456789',
}

/**
 * The Heroku user of the CLI benchmark and of the plugin's tests: the stub's Platform API knows
 * this token alone, and shows the user these teams. Only bench-team is linked up front.
 */
export const USER = {
  token: 'bench-heroku-user-token-4f9a2c61',
  account: {id: 'c41d7e2a-8b3f-4c65-9e17-5a0b2d6f8c93', email: 'admin@bench.example'},
}
export const USER_TEAMS = [
  {...TEAM, role: 'admin'},
  {id: '8e2f6a14-7c9b-4d30-b5e8-1f4a9c7d2e60', name: 'bench-labs', role: 'admin'},
  {id: '3a9d5c7e-2f18-4b6a-8d40-6e1c9b3f7a25', name: 'bench-viewers', role: 'member'},
]

/** The manifest's sso_salt: the stub signs SSO tokens with it, and the broker checks them. */
export const SSO_SALT = 'bench-sso-salt-0123456789abcdef'

/** What the stub's identity host answers to every grant exchange. */
export const GRANT_REPLY = {
  access_token: 'bench-access-token-2c9e71a5',
  refresh_token: 'bench-refresh-token-8d41f0b3',
  expires_in: 28800,
  token_type: 'Bearer',
}

/** A provision request shaped like Heroku's: every call is a new add-on with its own grant. */
export function provisionBody(herokuApiUrl: string) {
  const uuid = randomUUID()
  return {
    uuid,
    name: ADDON_NAME,
    plan: 'standard',
    region: 'amazon-web-services::us-east-1',
    callback_url: `${herokuApiUrl}/addons/${uuid}`,
    options: {},
    oauth_grant: {
      code: `grant-${randomUUID()}`,
      expires_at: new Date(Date.now() + 5 * 60_000).toISOString(),
      type: 'authorization_code',
    },
  }
}

export function basicAuth(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64')
}
