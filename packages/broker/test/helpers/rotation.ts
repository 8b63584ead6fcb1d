import nock from 'nock'
import {runRotationJob} from '../../src/rotation/rotation-job.js'
import {ssoToken} from '../../src/sso/token.js'
import {HEROKU_API, type TestBroker} from './app.js'
import type {FakeIamUsers} from './aws-fake-iam.js'
import {provisionedAddonReply} from './heroku.js'
import {provisionForAcme, type ProvisionOptions, runProvision, stateOf} from './slice.js'

type ConfigVar = {name: string; value: string | null}

/**
 * Heroku's copy of one add-on's config vars: every PATCH is recorded and applied, and a GET
 * answers with what the last one left. `refusePatch` makes the next PATCHes fail with a status.
 */
export function herokuAddonConfig(uuid: string) {
  const patches: ConfigVar[][] = []
  const vars = new Map<string, string | null>()
  const refusals: number[] = []
  nock(HEROKU_API)
    .persist()
    .patch(`/addons/${uuid}/config`)
    .reply((_uri, body) => {
      const refusal = refusals.shift()
      if (refusal) return [refusal, {id: 'refused', message: 'Refused by the test.'}]

      const config = (body as {config: ConfigVar[]}).config
      patches.push(config)
      for (const {name, value} of config) vars.set(name, value)
      return [200, [...vars].map(([name, value]) => ({name, value}))]
    })
    .get(`/addons/${uuid}/config`)
    .reply(() => [200, [...vars].map(([name, value]) => ({name, value}))])
    .post(`/addons/${uuid}/actions/provision`)
    .reply(200, {...provisionedAddonReply, id: uuid})
  return {
    patches,
    /** The access key id the app has now: the one the last PATCH set. */
    accessKeyId: () => vars.get('BYO_S3_AWS_ACCESS_KEY_ID') ?? null,
    secretAccessKey: () => vars.get('BYO_S3_AWS_SECRET_ACCESS_KEY') ?? null,
    refuseNextPatches: (status: number, count = 1) => refusals.push(...Array(count).fill(status)),
  }
}

/** A provisioned add-on of team acme, with Heroku's config and IAM faked for what follows. */
export async function provisionedAddon(broker: TestBroker, options: ProvisionOptions = {}) {
  const provisioned = await provisionForAcme(broker, options)
  const config = herokuAddonConfig(provisioned.uuid)
  await runProvision(broker, provisioned.uuid)
  const {state} = await stateOf(broker, provisioned.uuid)
  if (state !== 'provisioned') throw new Error(`provisioning ended ${state}`)

  const user = () => provisioned.users.get(`byo-s3-${provisioned.uuid}`)!
  return {...provisioned, config, user, keys: () => user().accessKeys}
}

export function runRotation(
  broker: TestBroker,
  uuid: string,
  attempt?: {retryCount: number; retryLimit: number},
) {
  return runRotationJob(broker.app.services, uuid, broker.app.log, attempt)
}

/** Ends a rotation's overlap now, as if its time had come. */
export async function endOverlap(broker: TestBroker, uuid: string) {
  await broker.app.services.pool.query(
    `update rotations set old_key_deletes_at = now() where addon_id = $1 and state = 'overlap'`,
    [uuid],
  )
}

export async function rotationRows(broker: TestBroker, uuid: string) {
  const {rows} = await broker.app.services.pool.query(
    `select state, steps, old_access_key_id as "oldAccessKeyId",
       new_access_key_id as "newAccessKeyId",
       new_secret_access_key_sealed as "newSecretAccessKeySealed",
       failure_reason as "failureReason"
     from rotations where addon_id = $1 order by started_at`,
    [uuid],
  )
  return rows as {
    state: string
    steps: string[]
    oldAccessKeyId: string
    newAccessKeyId: string | null
    newSecretAccessKeySealed: string | null
    failureReason: string | null
  }[]
}

export async function appKeyOf(broker: TestBroker, uuid: string) {
  const {rows} = await broker.app.services.pool.query(
    'select app_access_key_id as "accessKeyId" from resources where id = $1',
    [uuid],
  )
  return rows[0].accessKeyId as string | null
}

/** The `x-addon-sso` header the Heroku CLI would send for this add-on, signed `secondsAgo`. */
export function addonSsoHeader(
  broker: TestBroker,
  resourceId: string,
  {secondsAgo = 0, salt = broker.config.ssoSalt} = {},
): string {
  const timestamp = String(Math.floor(Date.now() / 1000) - secondsAgo)
  const sso = {
    method: 'post',
    action: `https://byo-s3.example/sso/login`,
    params: {
      resource_id: resourceId,
      resource_token: ssoToken(resourceId, salt, timestamp),
      timestamp,
      email: 'ada@acme.example',
      user_id: '2d8e4f6a-1b3c-4d5e-9f70-81a2b3c4d5e6',
      app: 'shop',
    },
  }
  return Buffer.from(JSON.stringify(sso)).toString('base64')
}

export function keysExist(users: FakeIamUsers, uuid: string, ...keyIds: (string | null)[]) {
  const keys = users.get(`byo-s3-${uuid}`)?.accessKeys ?? []
  return keyIds.every((keyId) => keyId !== null && keys.includes(keyId))
}
