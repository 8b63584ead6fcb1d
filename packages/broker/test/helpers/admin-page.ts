import nock from 'nock'
import {HEROKU_API, HEROKU_ID, type TestBroker} from './app.js'
import {ACCOUNT, grantReply, TEAM} from './heroku.js'

export const ADMIN_CLIENT = {
  ADMIN_OAUTH_CLIENT_ID: '3e304bda-d376-4278-bdea-6d6c08aa1359',
  ADMIN_OAUTH_CLIENT_SECRET: 'admin-client-secret-e6a5f58f',
}

/**
 * Heroku's Platform API for a signed-in user of team acme, for as long as the test runs: the
 * page asks again on every request.
 */
export function herokuKnowsPageUser(token: string, role: string | null, account = ACCOUNT) {
  return nock(HEROKU_API, {reqheaders: {authorization: `Bearer ${token}`}})
    .persist()
    .get('/account')
    .reply(200, account)
    .get('/teams')
    .reply(200, [{...TEAM, role, type: 'enterprise'}])
    .get(`/teams/${TEAM.name}`)
    .reply(200, {...TEAM, role, type: 'enterprise'})
}

/** Heroku's token endpoint giving `token` for `code`, checked against the page's own client. */
export function herokuExchangesCode(code: string, token: string) {
  return nock(HEROKU_ID)
    .post(
      '/oauth/token',
      (body) =>
        body.grant_type === 'authorization_code' &&
        body.code === code &&
        body.client_secret === ADMIN_CLIENT.ADMIN_OAUTH_CLIENT_SECRET,
    )
    .reply(200, {...grantReply, access_token: token})
}

export function cookieHeader(cookies: {name: string; value: string}[]): string {
  return cookies.map(({name, value}) => `${name}=${value}`).join('; ')
}

/** Signs in through the OAuth web flow, Heroku's side stood in by nock: the session cookie. */
export async function signInToAdminPage(broker: TestBroker, token: string): Promise<string> {
  const start = await broker.app.inject({method: 'GET', url: '/admin/auth/start'})
  const state = new URL(start.headers.location as string).searchParams.get('state')!
  const code = `code-${token.length}-${Date.now()}`
  herokuExchangesCode(code, token)
  const callback = await broker.app.inject({
    method: 'GET',
    url: `/admin/auth/callback?code=${code}&state=${state}`,
    headers: {cookie: cookieHeader(start.cookies)},
  })
  if (callback.statusCode !== 303) {
    throw new Error(`the callback answered ${callback.statusCode}: ${callback.body}`)
  }

  const session = callback.cookies.find(({name}) => name.endsWith('byo-s3-admin'))!
  return `${session.name}=${session.value}`
}

/** The CSRF token a page's forms carry. */
export function csrfOf(page: string): string {
  return /name="csrf" value="([^"]+)"/.exec(page)![1]
}
