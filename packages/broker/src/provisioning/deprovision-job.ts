/*
 * Deprovisioning one add-on (resources.state = 'deprovisioning'), from what was recorded when it
 * was provisioned: the app may be gone, or may have moved to another team.
 *
 *   deprovisioning ─► user_deleted ─┬─ adopted bucket ───────────────────────────┬─► deprovisioned
 *                                   ├─ team keeps buckets ──► bucket_retained ───┤
 *                                   └─ otherwise ───────────► bucket_deleted ────┘
 *
 *   An adopted bucket was the team's before the add-on and stays exactly as it is: it is never
 *   emptied, deleted, tagged or reconfigured.
 *   The user goes first, so the app cannot write while its bucket is emptied.
 *   transient error ─► the job throws and pg-boss retries it; it resumes at the first step not
 *                      recorded (emptying a bucket starts again from its current contents).
 *   bucket under Object Lock or MFA delete, team unlinked, or another permanent refusal
 *                   ─► blocked: reported with a reason an admin can read, not retried.
 */
import type {FastifyBaseLogger as Logger} from 'fastify'
import type {PoolClient} from 'pg'
import {emptyAndDeleteBucket} from '../aws/bucket-teardown.js'
import {retainBucket} from '../aws/bucket-retain.js'
import {deleteUser} from '../aws/user-teardown.js'
import type {Services} from '../services.js'
import {withResourceLock} from '../storage/resource-lock.js'
import {findResource, recordStep, type Resource, updateResource} from '../storage/resources.js'
import {stopRotationOnDeprovision} from '../storage/rotations.js'
import {findTeamLink} from '../storage/team-links.js'
import {isTransient, reasonFor} from './failures.js'
import {linkCredentials} from './link-credentials.js'
import type {Attempt} from './provision-job.js'

export async function runDeprovisionJob(
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
      if (resource?.state !== 'deprovisioning') return

      const scope = {addonId, teamId: resource.teamId, bucket: resource.bucketName}
      try {
        await deprovisionSteps(services, db, resource, log)
      } catch (error) {
        const lastAttempt = attempt.retryCount >= attempt.retryLimit
        if (isTransient(error) && !lastAttempt) {
          log.warn({...scope, err: error}, 'deprovisioning step failed; will retry')
          throw error
        }

        const reason = reasonFor(error)
        await updateResource(db, addonId, {
          state: 'blocked',
          failureReason: reason,
          message: reason,
        })
        log.warn({...scope, reason}, 'deprovisioning blocked')
      }
    },
    'job',
  )
}

async function deprovisionSteps(
  services: Services,
  db: PoolClient,
  resource: Resource,
  log: Logger,
) {
  if (resource.bucketName && resource.awsAccountId) {
    const link = await findTeamLink(db, resource.teamId!)
    if (link?.awsAccountId !== resource.awsAccountId) {
      throw new Error(
        `Team ${resource.teamName} is no longer linked to AWS account ${resource.awsAccountId}, ` +
          `so bucket ${resource.bucketName} and IAM user ${resource.iamUserName} there were left ` +
          'for the team to delete.',
      )
    }

    const credentials = linkCredentials(services, link)
    const bucket = {
      bucketName: resource.bucketName,
      region: resource.region!,
      accountId: resource.awsAccountId,
    }
    const step = async (name: string, work: () => Promise<void>) => {
      if (resource.steps.includes(name)) return
      await work()
      await recordStep(db, resource.id, name, {}, 'deprovisioning')
      resource.steps.push(name)
      log.debug({addonId: resource.id, step: name}, 'deprovisioning step done')
      await services.hooks?.afterStep?.(name)
    }

    await step('user_deleted', () => deleteUser(services.aws, credentials, resource.iamUserName!))
    if (resource.adopted) {
      log.debug({addonId: resource.id}, 'adopted bucket left as it is')
    } else if (link.onDeprovision === 'retain') {
      await step('bucket_retained', () => retainBucket(services.aws, credentials, bucket))
    } else {
      await step('bucket_deleted', () => emptyAndDeleteBucket(services.aws, credentials, bucket))
    }
  }

  // A rotation that was running lost its keys with the user; its new key's secret goes too.
  await stopRotationOnDeprovision(db, resource.id)
  await updateResource(db, resource.id, {
    state: 'deprovisioned',
    deprovisionedAt: new Date(),
    message: deprovisionedMessage(resource),
    appSecretAccessKeySealed: null,
    oauthAccessTokenSealed: null,
    oauthRefreshTokenSealed: null,
  })
  log.info({addonId: resource.id, teamId: resource.teamId}, 'deprovisioned')
}

function deprovisionedMessage(resource: Resource): string {
  if (resource.adopted) return `Bucket ${resource.bucketName} was adopted and is left as it was.`
  if (resource.steps.includes('bucket_retained')) {
    return `Bucket ${resource.bucketName} was kept for the team, tagged as retained.`
  }

  return 'Deprovisioned.'
}
