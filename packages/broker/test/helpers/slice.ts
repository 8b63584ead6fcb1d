import {randomUUID} from 'node:crypto'
import nock from 'nock'
import {runDeprovisionJob} from '../../src/provisioning/deprovision-job.js'
import {runProvisionJob} from '../../src/provisioning/provision-job.js'
import {HEROKU_API, HEROKU_ID, OAUTH_CLIENT_SECRET, type TestBroker} from './app.js'
import {ACCOUNT_ID, fakeQueryApi, type FakeReply, LINKED_CREDENTIALS, STS_URL} from './aws-fakes.js'
import {fakeAnyBucket, type FakeBucket} from './aws-fake-bucket.js'
import {accountAnswersOnce, bucketList, fakeBucketList} from './aws-fake-account.js'
import {fakeIam, type FakeIamUsers} from './aws-fake-iam.js'
import {elements, queryResult, STS_NAMESPACE} from './aws-xml.js'
import {auditSecret} from './log-audit.js'
import {grantReply, herokuKnowsUser, provisionedAddonReply, TEAM, USER_TOKEN} from './heroku.js'

/** A team admin links team acme to AWS account 111122223333 through the admin API. */
export async function linkAcme(
  broker: TestBroker,
  extra: Record<string, unknown> = {},
  account: Parameters<typeof accountAnswersOnce> = [],
) {
  herokuKnowsUser('admin')
  accountAnswersOnce(...account)
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
    payload: {...LINKED_CREDENTIALS, ...extra},
  })
}

export interface ProvisionOptions {
  region?: string
  appName?: string
  plan?: string
  /** The add-on's options, as `heroku addons:create byo-s3 -- --name value` sends them. */
  options?: Record<string, string>
  s3Overrides?: FakeBucket['overrides']
  iamOverrides?: Parameters<typeof fakeIam>[1]
  /** The account's answer to ListBuckets in the job's quota check. */
  bucketList?: FakeReply
  /** Post the request once right away (the default); tests of concurrency post it themselves. */
  postNow?: boolean
}

/**
 * Heroku sends a provision request for an app of team acme. Heroku's OAuth and Platform API and
 * AWS (any bucket, IAM) answer through nock; the request is posted once.
 */
export async function provisionForAcme(
  broker: TestBroker,
  {
    region = 'us-east-1',
    appName = 'shop',
    plan = 'standard',
    options = {},
    s3Overrides,
    iamOverrides,
    bucketList: bucketListReply = bucketList(2),
    postNow = true,
  }: ProvisionOptions = {},
) {
  const uuid = randomUUID()
  const app = {id: randomUUID(), name: appName}
  const grantCode = randomUUID()
  auditSecret('OAuth grant code', grantCode)
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
  const s3 = fakeAnyBucket(s3Overrides)
  const users: FakeIamUsers = new Map()
  const iam = fakeIam(users, iamOverrides)
  const bucketLists = fakeBucketList(bucketListReply)
  const payload = {
    uuid,
    name: 'byo-s3-angular-71234',
    plan,
    region: `amazon-web-services::${region}`,
    callback_url: `${HEROKU_API}/addons/${uuid}`,
    options,
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
  const response = postNow ? await post() : undefined!
  return {uuid, app, grantCode, response, post, oauth, platform, s3, iam, users, bucketLists}
}

/** Heroku accepting the config vars and the provisioned mark; records the config sent. */
export function herokuAcceptsConfig(uuid: string, token: string = grantReply.access_token) {
  const sent: {name: string; value: string}[][] = []
  const scope = nock(HEROKU_API, {
    reqheaders: {
      authorization: `Bearer ${token}`,
      accept: 'application/vnd.heroku+json; version=3',
    },
  })
    .patch(`/addons/${uuid}/config`, (body) => {
      sent.push(body.config)
      return true
    })
    .reply(200, [])
    .post(`/addons/${uuid}/actions/provision`)
    .reply(200, {...provisionedAddonReply, id: uuid})
  return {scope, sent}
}

export function runProvision(
  broker: TestBroker,
  uuid: string,
  attempt?: {retryCount: number; retryLimit: number},
) {
  return runProvisionJob(broker.app.services, uuid, broker.app.log, attempt)
}

export function runDeprovision(
  broker: TestBroker,
  uuid: string,
  attempt?: {retryCount: number; retryLimit: number},
) {
  return runDeprovisionJob(broker.app.services, uuid, broker.app.log, attempt)
}

export function deprovision(broker: TestBroker, uuid: string) {
  return broker.app.inject({
    method: 'DELETE',
    url: `/heroku/resources/${uuid}`,
    headers: {authorization: broker.partnerAuth, 'content-type': 'application/json'},
  })
}

export async function stateOf(broker: TestBroker, uuid: string) {
  const {rows} = await broker.app.services.pool.query(
    'select state, steps, failure_reason as "failureReason", message from resources where id = $1',
    [uuid],
  )
  return rows[0] as {state: string; steps: string[]; failureReason: string | null; message: string}
}
