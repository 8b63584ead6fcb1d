/*
 * Provisioning one add-on, after the request was accepted (resources.state = 'provisioning').
 * Each step is recorded in resources.steps when it is done; a retried or resumed job skips the
 * recorded ones, and every AWS call is safe to repeat for the window between a call and its
 * record. The bucket chain and the IAM chain run side by side:
 *
 *   accepted ─┬─► bucket_created ─► bucket_secured ─────────────────┬─► key_ready ─► config_set ─► provisioned
 *             └─► user_created ─► policy_set ─► key_created ────────┘
 *
 *   transient error (throttling, 5xx, timeout, key not yet known)
 *        └─► the job throws; pg-boss retries it with backoff and it resumes at the first step
 *            not recorded. The last attempt treats it as permanent.
 *   permanent error (access denied, quota, bad settings), or retries exhausted
 *        └─► cleaning_up ─► failed: what was made is removed, Heroku is told through
 *            actions/deprovision, and failure_reason keeps the reason for admins.
 *   DELETE arrives meanwhile (state becomes 'deprovisioning')
 *        └─► the job stops before its next step; the deprovision job removes what exists.
 */
import type {FastifyBaseLogger as Logger} from 'fastify'
import type {PoolClient} from 'pg'
import {createBucket, secureBucket} from '../aws/bucket-setup.js'
import type {AwsCredentials} from '../aws/clients.js'
import {deleteUser, deprovisionBucketAndUser} from '../aws/deprovision.js'
import {verifyBucketSettings} from '../aws/bucket-verify.js'
import {waitUntilKeyWorks} from '../aws/readiness.js'
import {createAccessKey, createUser, putUserPolicy} from '../aws/user-setup.js'
import {BrokerError} from '../errors.js'
import {HerokuApiError} from '../heroku/http.js'
import {freshPartnerToken} from '../heroku/partner-token.js'
import type {Services} from '../services.js'
import {withResourceLock} from '../storage/resource-lock.js'
import {findResource, recordStep, type Resource, updateResource} from '../storage/resources.js'
import {findTeamLink} from '../storage/team-links.js'
import {configVarsFor} from './config-vars.js'
import {isTransient, reasonFor} from './failures.js'
import {linkCredentials} from './link-credentials.js'

export interface Attempt {
  retryCount: number
  retryLimit: number
}

class Stopped extends Error {}

/**
 * The job was cut short between two steps (the process is stopping, or a test simulates a crash
 * there). It is not a failure: the job is retried and resumes after the last recorded step.
 */
export class JobInterrupted extends Error {
  constructor(step: string, options?: {cause?: unknown}) {
    super(`interrupted after ${step}`, options)
    this.name = 'JobInterrupted'
  }
}

export async function runProvisionJob(
  services: Services,
  addonId: string,
  log: Logger,
  attempt: Attempt = {retryCount: 0, retryLimit: 0},
): Promise<void> {
  await withResourceLock(
    services.pool,
    addonId,
    async (db) => {
      const resource = await findResource(db, addonId)
      if (resource?.state !== 'provisioning' || !resource.steps.includes('accepted')) return

      const scope = {addonId, teamId: resource.teamId, bucket: resource.bucketName}
      try {
        if (!resource.steps.includes('cleaning_up'))
          await provisionSteps(services, db, resource, log)
        else await fail(services, db, resource, new Error(resource.failureReason ?? 'failed'), log)
      } catch (error) {
        if (error instanceof Stopped) return log.info(scope, 'provisioning stopped: deprovisioned')
        if (error instanceof JobInterrupted) throw error

        const lastAttempt = attempt.retryCount >= attempt.retryLimit
        if (isTransient(error) && !lastAttempt) {
          log.warn({...scope, err: error}, 'provisioning step failed; will retry')
          await updateResource(db, addonId, {message: `Retrying: ${reasonFor(error)}`})
          throw error
        }

        await fail(services, db, resource, error, log)
      }
    },
    'job',
  )
}

async function provisionSteps(services: Services, db: PoolClient, resource: Resource, log: Logger) {
  const link = await findTeamLink(db, resource.teamId!)
  if (!link) {
    throw new BrokerError(
      409,
      'team_not_linked',
      `Team ${resource.teamName} was unlinked from AWS.`,
    )
  }

  const {aws, config} = services
  const credentials = linkCredentials(services, link)
  const bucket = {
    bucketName: resource.bucketName!,
    region: resource.region!,
    accountId: resource.awsAccountId!,
    addonId: resource.id,
    tags: {
      'byo-s3:team-id': resource.teamId!,
      'byo-s3:app-id': resource.appId!,
      'byo-s3:app-name': resource.appName!,
    },
  }
  const user = {...bucket, iamUserName: resource.iamUserName!}
  const step = stepRunner(services, db, resource, log)

  // Both chains run to their end before a failure is handled, so clean-up never races a step.
  const chains = await Promise.allSettled([
    (async () => {
      await step('bucket_created', () => createBucket(aws, credentials, bucket))
      await step('bucket_secured', async () => {
        await secureBucket(aws, credentials, bucket)
        await verifyBucketSettings(aws, credentials, bucket)
      })
    })(),
    (async () => {
      await step('user_created', () => createUser(aws, credentials, user))
      await step('policy_set', () => putUserPolicy(aws, credentials, user))
      await step('key_created', async () => {
        const key = await createAccessKey(aws, credentials, user)
        return {
          appAccessKeyId: key.accessKeyId,
          appSecretAccessKeySealed: config.keyRing.seal(key.secretAccessKey),
        }
      })
    })(),
  ])
  for (const chain of chains) if (chain.status === 'rejected') throw chain.reason

  const appKey = appCredentials(services, resource)
  await step('key_ready', async () => {
    await waitUntilKeyWorks(aws, appKey, bucket, services.readiness)
  })
  await step('config_set', async () => {
    const vars = configVarsFor({...bucket, ...appKey})
    await withPartnerToken(services, db, resource, (token) =>
      services.platform.setAddonConfig(token, resource.id, vars),
    )
  })
  await step('provisioned', async () => {
    await withPartnerToken(services, db, resource, (token) =>
      services.platform.markProvisioned(token, resource.id),
    )
    return {
      state: 'provisioned' as const,
      message: `Bucket ${bucket.bucketName} is ready in ${bucket.region}.`,
      failureReason: null,
    }
  })
}

type Changes = Parameters<typeof recordStep>[3]

/**
 * Runs a step unless it is recorded as done, and records it; stops if the add-on went away.
 * Once one chain is interrupted, the other starts no new step.
 */
function stepRunner(services: Services, db: PoolClient, resource: Resource, log: Logger) {
  let interruptedAfter: string | undefined
  return async (name: string, work: () => Promise<Changes | void>): Promise<void> => {
    if (resource.steps.includes(name)) return
    if (interruptedAfter) throw new JobInterrupted(interruptedAfter)

    const current = await findResource(db, resource.id)
    if (current?.state !== 'provisioning') throw new Stopped()

    const changes = (await work()) ?? {}
    await recordStep(db, resource.id, name, changes)
    Object.assign(resource, changes)
    resource.steps.push(name)
    log.debug({addonId: resource.id, step: name}, 'provisioning step done')
    try {
      await services.hooks?.afterStep?.(name)
    } catch (error) {
      interruptedAfter = name
      throw new JobInterrupted(name, {cause: error})
    }
  }
}

function appCredentials(services: Services, resource: Resource): AwsCredentials {
  return {
    accessKeyId: resource.appAccessKeyId!,
    secretAccessKey: services.config.keyRing.unseal(resource.appSecretAccessKeySealed!),
  }
}

/** Calls the Platform API; a 401 means the token was revoked early, so refresh once and retry. */
async function withPartnerToken<T>(
  services: Services,
  db: PoolClient,
  resource: Resource,
  call: (token: string) => Promise<T>,
): Promise<T> {
  try {
    return await call(await freshPartnerToken(services, db, resource))
  } catch (error) {
    if (!(error instanceof HerokuApiError && error.status === 401)) throw error

    return call(await freshPartnerToken(services, db, resource, {force: true}))
  }
}

/**
 * The permanent-failure path: remove what was made, tell Heroku, and keep the reason. Only a
 * bucket recorded as created is deleted, so a name that turned out to be someone else's is never
 * touched. A clean-up that fails transiently is retried by the job, which resumes here because
 * 'cleaning_up' is recorded first.
 */
async function fail(
  services: Services,
  db: PoolClient,
  resource: Resource,
  error: unknown,
  log: Logger,
): Promise<void> {
  const reason = resource.failureReason ?? reasonFor(error)
  const scope = {addonId: resource.id, teamId: resource.teamId, bucket: resource.bucketName}
  log.warn({...scope, reason}, 'provisioning failed; cleaning up')
  await recordStep(db, resource.id, 'cleaning_up', {failureReason: reason})

  const link = await findTeamLink(db, resource.teamId!)
  if (link) {
    const credentials = linkCredentials(services, link)
    const target = {
      bucketName: resource.bucketName!,
      region: resource.region!,
      accountId: resource.awsAccountId!,
      iamUserName: resource.iamUserName!,
    }
    if (resource.steps.includes('bucket_created'))
      await deprovisionBucketAndUser(services.aws, credentials, target)
    else await deleteUser(services.aws, credentials, target.iamUserName)
  }

  await withPartnerToken(services, db, resource, (token) =>
    services.platform.markDeprovisioned(token, resource.id),
  ).catch((heroku) => log.warn({...scope, err: heroku}, 'could not tell Heroku the add-on failed'))

  await updateResource(db, resource.id, {
    state: 'failed',
    message: `byo-s3 could not create the bucket: ${reason}`,
    appSecretAccessKeySealed: null,
  })
  log.warn(scope, 'provisioning failed')
}
