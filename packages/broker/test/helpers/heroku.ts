import {randomUUID} from 'node:crypto'
import nock from 'nock'
import {HEROKU_API, HEROKU_ID} from './app.js'
import {auditSecret} from './log-audit.js'
import {sharedFixture} from './shared-fixtures.js'

const fixture = (name: string) => sharedFixture<Record<string, string>>(`heroku/${name}`)

export const grantReply = fixture('grant_code_exchange_response.json')
export const provisionedAddonReply = fixture('provision_plan_response.json')

export const TEAM = {id: '9c3b2a1d-5e4f-4a3b-8c7d-6e5f4a3b2c1d', name: 'acme'}
export const USER_TOKEN = 'heroku-user-token-5a2c9e71'
auditSecret('Heroku user token', USER_TOKEN)
auditSecret('OAuth access token', grantReply.access_token)
auditSecret('OAuth refresh token', grantReply.refresh_token)

export const ACCOUNT = {id: '2d8e4f6a-1b3c-4d5e-9f70-81a2b3c4d5e6', email: 'ada@acme.example'}

/** A provision request shaped like Heroku's, with a fresh uuid and grant code. */
export function provisionRequest(overrides: Record<string, unknown> = {}) {
  const uuid = randomUUID()
  const code = `grant-${randomUUID()}`
  auditSecret('OAuth grant code', code)
  return {
    uuid,
    name: 'byo-s3-angular-71234',
    plan: 'standard',
    region: 'amazon-web-services::us-east-1',
    callback_url: `${HEROKU_API}/addons/${uuid}`,
    options: {},
    oauth_grant: {
      code,
      expires_at: '2026-12-03T10:05:00-0800',
      type: 'authorization_code',
    },
    log_input_url: 'https://token:t.0000-placeholder@1.us.logplex.io/logs',
    ...overrides,
  }
}

/** Heroku answering the grant exchange and the two lookups that find the app's team. */
export function herokuFindsApp(
  addonId: string,
  code: string,
  app: {id: string; name: string; team: {id: string; name: string} | null},
) {
  const id = nock(HEROKU_ID)
    .post('/oauth/token', (body) => body.grant_type === 'authorization_code' && body.code === code)
    .reply(200, grantReply)
  const api = nock(HEROKU_API, {
    reqheaders: {
      authorization: `Bearer ${grantReply.access_token}`,
      accept: 'application/vnd.heroku+json; version=3',
    },
  })
    .get(`/addons/${addonId}`)
    .reply(200, {
      ...provisionedAddonReply,
      id: addonId,
      state: 'provisioning',
      app: {id: app.id, name: app.name},
    })
    .get(`/apps/${app.id}`)
    .reply(200, {
      id: app.id,
      name: app.name,
      team: app.team,
      owner: {id: randomUUID(), email: 'x@herokumanager.com'},
    })
  return {id, api}
}

/** Heroku answering for a user who has `role` in team acme. */
export function herokuKnowsUser(role: string | null, team = TEAM) {
  return nock(HEROKU_API, {reqheaders: {authorization: `Bearer ${USER_TOKEN}`}})
    .get('/account')
    .reply(200, ACCOUNT)
    .get(`/teams/${team.name}`)
    .reply(200, {...team, role, type: 'enterprise'})
}
