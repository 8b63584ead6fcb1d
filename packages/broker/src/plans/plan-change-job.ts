/*
 * Changing a provisioned bucket to the settings its add-on's plan now gives. The request stored
 * the wanted settings in resources.settings; resources.applied_settings holds what was last
 * written and read back. The job writes only the difference, reads everything back, and records
 * the new settings as applied:
 *
 *   settings = applied_settings ─► nothing to do, no AWS call
 *   bucket not secured yet      ─► nothing to do: provisioning applies the latest settings
 *   otherwise                   ─► apply the difference ─► read back ─► applied_settings = settings
 *
 *   transient error ─► the job throws and pg-boss retries it; a retry recomputes the difference.
 *   permanent error ─► the add-on stays provisioned; failure_reason says what did not change.
 *   Another plan change meanwhile queues another run, which starts from what this one applied.
 */
import {isDeepStrictEqual} from 'node:util'

import type {FastifyBaseLogger as Logger} from 'fastify'
import {applyBucketSettings} from '../aws/bucket-configure.js'
import {verifyBucketSettings} from '../aws/bucket-verify.js'
import {BrokerError} from '../errors.js'
import {isTransient, reasonFor} from '../provisioning/failures.js'
import {linkCredentials} from '../provisioning/link-credentials.js'
import type {Attempt} from '../provisioning/provision-job.js'
import type {Services} from '../services.js'
import {withResourceLock} from '../storage/resource-lock.js'
import {findResource, updateResource} from '../storage/resources.js'
import {findTeamLink} from '../storage/team-links.js'

export async function runPlanChangeJob(
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
      if (!resource?.settings || resource.adopted) return
      if (!['provisioning', 'provisioned'].includes(resource.state)) return
      if (!resource.steps.includes('bucket_secured')) return

      const {settings: desired, appliedSettings: applied} = resource
      if (isDeepStrictEqual(desired, applied)) return

      const scope = {addonId, teamId: resource.teamId, bucket: resource.bucketName}
      try {
        const link = await findTeamLink(db, resource.teamId!)
        if (link?.awsAccountId !== resource.awsAccountId) {
          throw new BrokerError(
            409,
            'team_not_linked',
            `Team ${resource.teamName} is no longer linked to AWS account ` +
              `${resource.awsAccountId}, where bucket ${resource.bucketName} is.`,
          )
        }

        const credentials = linkCredentials(services, link)
        const bucket = {
          bucketName: resource.bucketName!,
          region: resource.region!,
          accountId: resource.awsAccountId!,
          addonId,
        }
        await applyBucketSettings(services.aws, credentials, bucket, desired, applied)
        await verifyBucketSettings(services.aws, credentials, {...bucket, settings: desired})
      } catch (error) {
        const lastAttempt = attempt.retryCount >= attempt.retryLimit
        if (isTransient(error) && !lastAttempt) {
          log.warn({...scope, err: error}, 'plan change failed; will retry')
          throw error
        }

        const reason = `The ${resource.plan} plan's settings were not applied: ${reasonFor(error)}`
        await updateResource(db, addonId, {failureReason: reason, message: reason})
        log.warn({...scope, reason}, 'plan change failed')
        return
      }

      await updateResource(db, addonId, {
        appliedSettings: desired,
        failureReason: null,
        message: `Bucket ${resource.bucketName} has the ${resource.plan} plan's settings.`,
      })
      log.info({...scope, plan: resource.plan}, 'plan change applied')
    },
    'job',
  )
}
