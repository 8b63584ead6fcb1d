/*
 * Provisioning one add-on, after the request was accepted (resources.state = 'provisioning').
 * Each step is recorded in resources.steps when it is done; a retried or resumed job skips the
 * recorded ones, and every AWS call is safe to repeat for the window between a call and its
 * record. The bucket chain and the IAM chain run side by side:
 *
 *   accepted ─► quota_checked ─┬─► bucket_created ─► bucket_secured ─────┬─► key_ready ─► config_set ─► provisioned
 *                              └─► user_created ─► policy_set ─► key_created ┘
 *
 *   quota_checked counts the account's IAM users and buckets (two AWS calls) before anything is
 *   made; an account too close to a quota fails the add-on there, with nothing to clean up. A
 *   job that resumes after it made something never counts again.
 *
 *   An adopted bucket is checked instead of created and secured (bucket_adopted), and nothing
 *   about it is ever changed: not its settings, not its tags, not on failure.
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
import {checkAdoptableBucket} from '../aws/bucket-adopt.js'
import {createBucket, secureBucket} from '../aws/bucket-setup.js'
import {TEAM_ID_TAG} from '../aws/tags.js'
import {DEFAULT_BUCKET_SETTINGS} from '../aws/bucket-settings.js'
import type {AwsCredentials, AwsKeyPair} from '../aws/clients.js'
import {deleteUser, deprovisionBucketAndUser} from '../aws/deprovision.js'
import {verifyBucketSettings} from '../aws/bucket-verify.js'
import {waitUntilKeyWorks} from '../aws/readiness.js'
import {createAccessKey, createUser, putUserPolicy} from '../aws/user-setup.js'
import {BrokerError} from '../errors.js'
import {withPartnerToken} from '../heroku/partner-token.js'
import type {Services} from '../services.js'
import {withResourceLock} from '../storage/resource-lock.js'
import {findResource, recordStep, type Resource, updateResource} from '../storage/resources.js'
import {findTeamLink} from '../storage/team-links.js'
import {configVarsFor} from './config-vars.js'
import {isTransient, reasonFor} from './failures.js'
import {linkCredentials} from './link-credentials.js'
import {kmsKeyPlace} from './options.js'
import {checkAccountQuotas} from './quota-check.js'

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
      const lastAttempt = attempt.retryCount >= attempt.retryLimit
      const cleaningUp = resource.steps.includes('cleaning_up')
      try {
        if (cleaningUp) await fail(services, db, resource, undefined, log, lastAttempt)
        else await provisionSteps(services, db, resource, log)
      } catch (error) {
        if (error instanceof Stopped) return log.info(scope, 'provisioning stopped: deprovisioned')
        if (error instanceof JobInterrupted) throw error
        // fail() throws only what is worth retrying; the retry resumes the clean-up.
        if (cleaningUp) throw error

        if (isTransient(error) && !lastAttempt) {
          log.warn({...scope, err: error}, 'provisioning step failed; will retry')
          await updateResource(db, addonId, {message: `Retrying: ${reasonFor(error)}`})
          throw error
        }

        await fail(services, db, resource, error, log, lastAttempt)
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

  if (link.awsAccountId !== resource.awsAccountId) {
    throw new BrokerError(
      409,
      'link_moved',
      `Team ${resource.teamName}'s link now points at AWS account ${link.awsAccountId}, not ` +
        `${resource.awsAccountId} where this add-on was to be created.`,
    )
  }

  const {aws, config} = services
  const credentials = linkCredentials(services, link)
  const settings = resource.settings ?? DEFAULT_BUCKET_SETTINGS
  const bucketOf = (current: Resource) => ({
    bucketName: current.bucketName!,
    region: current.region!,
    accountId: current.awsAccountId!,
    addonId: current.id,
    settings,
    tags: {
      [TEAM_ID_TAG]: current.teamId!,
      'byo-s3:app-id': current.appId!,
      'byo-s3:app-name': current.appName!,
    },
  })
  const bucket = bucketOf(resource)
  const user = {...bucket, iamUserName: resource.iamUserName!, kmsKeyArn: settings.kmsKeyArn}
  const step = stepRunner(services, db, resource, log)
  if (resource.steps.every((done) => done === 'accepted')) {
    await step('quota_checked', () =>
      checkAccountQuotas(
        services,
        db,
        credentials,
        {
          teamId: resource.teamId!,
          teamName: resource.teamName!,
          awsAccountId: resource.awsAccountId!,
          adopting: resource.adopted,
        },
        log,
      ),
    )
  }

  // Both chains run to their end before a failure is handled, so clean-up never races a step.
  const chains = await Promise.allSettled([
    (async () => {
      if (resource.adopted) {
        await step('bucket_adopted', () => adoptBucket(services, credentials, resource))
        return
      }

      await step('bucket_created', () => createBucket(aws, credentials, bucket))
      await step('bucket_secured', async () => {
        await secureBucket(aws, credentials, bucket)
        await verifyBucketSettings(aws, credentials, bucket)
        return {appliedSettings: settings}
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

  // An adopted bucket's region is known for sure only now.
  const ready = bucketOf(resource)
  const appKey = appCredentials(services, resource)
  await step('key_ready', async () => {
    await waitUntilKeyWorks(aws, appKey, ready, services.readiness)
  })
  await step('config_set', async () => {
    const vars = configVarsFor({...ready, ...appKey})
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
      message: `Bucket ${ready.bucketName} is ready in ${ready.region}.`,
      failureReason: null,
    }
  })
}

/**
 * Finds where the existing bucket is and that it is the linked account's. A KMS key must be in
 * the bucket's region; for an adopted bucket that is known only now.
 */
async function adoptBucket(
  services: Services,
  credentials: AwsCredentials,
  resource: Resource,
): Promise<Changes> {
  const region = await checkAdoptableBucket(services.aws, credentials, {
    bucketName: resource.bucketName!,
    accountId: resource.awsAccountId!,
    region: resource.region!,
    regionChosen: resource.options.region !== undefined,
  })
  const keyArn = resource.settings?.kmsKeyArn
  if (keyArn && kmsKeyPlace(keyArn).region !== region) {
    throw new BrokerError(
      422,
      'kms_key_region_mismatch',
      `Bucket ${resource.bucketName} is in ${region}, and the KMS key ${keyArn} is not: S3 ` +
        `uses keys of the bucket's own region only. Use a key in ${region}.`,
    )
  }

  return {region}
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
    if (!(await recordStep(db, resource.id, name, changes, 'provisioning'))) throw new Stopped()
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

function appCredentials(services: Services, resource: Resource): AwsKeyPair {
  return {
    accessKeyId: resource.appAccessKeyId!,
    secretAccessKey: services.config.keyRing.unseal(resource.appSecretAccessKeySealed!),
  }
}

/**
 * The permanent-failure path: remove what was made, tell Heroku, and keep the reason for admins.
 * A bucket is deleted unless its name turned out to belong to someone else. Whatever this path
 * throws is worth retrying, and the retry resumes here because 'cleaning_up' is recorded first;
 * on the last attempt it gives up instead, recording what was left behind as 'blocked'.
 */
async function fail(
  services: Services,
  db: PoolClient,
  resource: Resource,
  error: unknown,
  log: Logger,
  lastAttempt: boolean,
): Promise<void> {
  const reason = resource.failureReason ?? reasonFor(error)
  const scope = {addonId: resource.id, teamId: resource.teamId, bucket: resource.bucketName}
  const foreignBucket = ['bucket_name_taken', 'bucket_not_ours'].includes(
    (error as BrokerError | undefined)?.id ?? '',
  )
  log.warn({...scope, reason}, 'provisioning failed; cleaning up')
  await recordStep(db, resource.id, 'cleaning_up', {failureReason: reason})
  if (foreignBucket) await recordStep(db, resource.id, 'bucket_not_ours')

  let leftBehind: string | undefined
  if (madeNothing(resource)) {
    await recordStep(db, resource.id, 'cleaned_up')
  } else if (!resource.steps.includes('cleaned_up')) {
    try {
      await removeWhatWasMade(services, db, resource, foreignBucket)
      await recordStep(db, resource.id, 'cleaned_up')
    } catch (cleanupError) {
      if (isTransient(cleanupError) && !lastAttempt) throw cleanupError

      const what = resource.adopted
        ? `IAM user ${resource.iamUserName}`
        : `bucket ${resource.bucketName} and IAM user ${resource.iamUserName}`
      leftBehind =
        `Clean-up failed too (${reasonFor(cleanupError)}): delete ${what} in AWS account ` +
        `${resource.awsAccountId} by hand.`
      log.error({...scope, err: cleanupError}, 'clean-up after a failed provision failed')
    }
  }

  try {
    await withPartnerToken(services, db, resource, (token) =>
      services.platform.markDeprovisioned(token, resource.id),
    )
  } catch (herokuError) {
    if (isTransient(herokuError) && !lastAttempt) throw herokuError
    log.error({...scope, err: herokuError}, 'could not tell Heroku the add-on failed')
  }

  // A DELETE that arrived meanwhile wins: its job removes whatever is left.
  await recordStep(
    db,
    resource.id,
    'gave_up',
    {
      state: leftBehind ? 'blocked' : 'failed',
      failureReason: leftBehind ? `${reason} ${leftBehind}` : reason,
      message: `byo-s3 could not ${resource.adopted ? 'adopt' : 'create'} the bucket: ${reason}`,
      appSecretAccessKeySealed: null,
    },
    'provisioning',
  )
  log.warn(scope, 'provisioning failed')
}

// Nothing is made before quota_checked is recorded: the AWS chains start only after it.
function madeNothing(resource: Resource): boolean {
  return resource.steps.every((done) => ['accepted', 'cleaning_up'].includes(done))
}

async function removeWhatWasMade(
  services: Services,
  db: PoolClient,
  resource: Resource,
  foreignBucket: boolean,
): Promise<void> {
  const link = await findTeamLink(db, resource.teamId!)
  if (!link || link.awsAccountId !== resource.awsAccountId) {
    throw new Error(`team ${resource.teamName} has no link to AWS account ${resource.awsAccountId}`)
  }

  const credentials = linkCredentials(services, link)
  const target = {
    bucketName: resource.bucketName!,
    region: resource.region!,
    accountId: resource.awsAccountId!,
    iamUserName: resource.iamUserName!,
  }
  // Every bucket call carries ExpectedBucketOwner, so a bucket of another account is never hit.
  const keepBucket = foreignBucket || resource.adopted || resource.steps.includes('bucket_not_ours')
  if (keepBucket) await deleteUser(services.aws, credentials, target.iamUserName)
  else await deprovisionBucketAndUser(services.aws, credentials, target)
}
