import {randomUUID} from 'node:crypto'
import nock from 'nock'
import {HEROKU_API, HEROKU_ID, OAUTH_CLIENT_SECRET, type TestBroker} from './app.js'
import {ACCOUNT_ID, fakeQueryApi, LINKED_CREDENTIALS, STS_URL} from './aws-fakes.js'
import {fakeIam, type FakeIamUsers} from './aws-fake-iam.js'
import {
  elements,
  listMultipartUploadsXml,
  listObjectVersionsXml,
  queryResult,
  STS_NAMESPACE,
} from './aws-xml.js'
import {grantReply, herokuKnowsUser, provisionedAddonReply, TEAM, USER_TOKEN} from './heroku.js'

export interface S3Call {
  method: string
  bucket: string
  region: string
  path: string
  query: URLSearchParams
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** Any bucket on the regional S3 hosts: records each call and answers as an empty bucket would. */
export function fakeS3Anywhere(
  override: (call: S3Call) => [number, string] | undefined = () => undefined,
): S3Call[] {
  const calls: S3Call[] = []
  const scope = nock(/^https:\/\/[a-z0-9.-]+\.s3\.[a-z0-9-]+\.amazonaws\.com/).persist()
  for (const method of ['GET', 'PUT', 'POST', 'DELETE', 'HEAD']) {
    scope
      .intercept(() => true, method)
      .reply(function (uri, body) {
        const host = /^([a-z0-9.-]+)\.s3\.([a-z0-9-]+)\.amazonaws\.com/.exec(this.req.headers.host)!
        const url = new URL(uri, 'https://s3.invalid')
        const [, bucket, region] = host
        const call = {
          method,
          bucket,
          region,
          path: url.pathname,
          query: url.searchParams,
          headers: this.req.headers,
          body: String(body),
        }
        calls.push(call)
        const overridden = override(call)
        if (overridden) return overridden

        if (method === 'GET' && url.searchParams.has('versions'))
          return [200, listObjectVersionsXml(bucket, {})]
        if (method === 'GET' && url.searchParams.has('uploads'))
          return [200, listMultipartUploadsXml(bucket, [])]
        if (method === 'DELETE') return [204, '']
        return [200, '']
      })
  }

  return calls
}

/** A team admin links team acme to AWS account 111122223333 through the admin API. */
export async function linkAcme(broker: TestBroker) {
  herokuKnowsUser('admin')
  fakeQueryApi(STS_URL, () => ({
    body: queryResult(
      'GetCallerIdentity',
      elements({
        UserId: 'AIDA',
        Account: ACCOUNT_ID,
        Arn: `arn:aws:iam::${ACCOUNT_ID}:user/linker`,
      }),
      STS_NAMESPACE,
    ),
  }))
  return broker.app.inject({
    method: 'PUT',
    url: '/admin/teams/acme/link',
    headers: {authorization: `Bearer ${USER_TOKEN}`},
    payload: LINKED_CREDENTIALS,
  })
}

/** Heroku provisions an add-on for an app of team acme; Heroku and AWS answer through nock. */
export interface ProvisionOptions {
  region?: string
  appName?: string
  s3Override?: Parameters<typeof fakeS3Anywhere>[0]
  iamOverrides?: Parameters<typeof fakeIam>[1]
}

export async function provisionForAcme(
  broker: TestBroker,
  {region = 'us-east-1', appName = 'shop', s3Override, iamOverrides}: ProvisionOptions = {},
) {
  const uuid = randomUUID()
  const app = {id: randomUUID(), name: appName}
  const grantCode = randomUUID()
  const oauth = nock(HEROKU_ID)
    .post('/oauth/token', {
      grant_type: 'authorization_code',
      code: grantCode,
      client_secret: OAUTH_CLIENT_SECRET,
    })
    .reply(200, grantReply)
  const platform = nock(HEROKU_API, {
    reqheaders: {authorization: `Bearer ${grantReply.access_token}`},
  })
    .get(`/addons/${uuid}`)
    .reply(200, {...provisionedAddonReply, id: uuid, app})
    .get(`/apps/${app.id}`)
    .reply(200, {...app, team: TEAM})
  const s3 = fakeS3Anywhere(s3Override)
  const users: FakeIamUsers = new Map()
  const iam = fakeIam(users, iamOverrides)
  const payload = {
    uuid,
    name: 'byo-s3-angular-71234',
    plan: 'standard',
    region: `amazon-web-services::${region}`,
    callback_url: `${HEROKU_API}/addons/${uuid}`,
    options: {},
    oauth_grant: {
      code: grantCode,
      expires_at: '2026-12-03T10:05:00-0800',
      type: 'authorization_code',
    },
  }
  const post = () =>
    broker.app.inject({
      method: 'POST',
      url: '/heroku/resources',
      headers: {
        authorization: broker.partnerAuth,
        accept: 'application/vnd.heroku-addons+json; version=3',
      },
      payload,
    })
  const response = await post()
  return {uuid, grantCode, response, post, oauth, platform, s3, iam, users}
}

export function deprovision(broker: TestBroker, uuid: string) {
  return broker.app.inject({
    method: 'DELETE',
    url: `/heroku/resources/${uuid}`,
    headers: {authorization: broker.partnerAuth, 'content-type': 'application/json'},
  })
}
