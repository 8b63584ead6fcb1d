import {isDeepStrictEqual} from 'node:util'

import type {FastifyBaseLogger as Logger} from 'fastify'
import {DEFAULT_BUCKET_SETTINGS} from '../aws/bucket-settings.js'
import {BrokerError} from '../errors.js'
import {CHANGE_PLAN} from '../jobs/queue.js'
import type {Services} from '../services.js'
import {withResourceLock} from '../storage/resource-lock.js'
import {findResource, type Resource, updateResource} from '../storage/resources.js'
import type {Queryable} from '../storage/db.js'
import {findTeamLink, type TeamLink} from '../storage/team-links.js'
import {DEFAULT_PLAN, planNamed} from './catalogue.js'
import {settingsForPlanChange} from './plan-policy.js'

/**
 * The request part of a plan change (`PUT /heroku/resources/:id`): check the new plan with the
 * add-on's options under the team's policy as it is now, store the plan, options and bucket
 * settings, and queue the job that changes the bucket. A refusal stores and queues nothing. The
 * same plan again changes nothing, and nothing here waits on AWS.
 */
export async function acceptPlanChange(
  services: Services,
  id: string,
  slug: string,
  log: Logger,
): Promise<{message: string}> {
  return withResourceLock(services.pool, id, async (db) => {
    const resource = await findResource(db, id)
    if (!resource || !['provisioning', 'provisioned'].includes(resource.state)) {
      throw new BrokerError(404, 'not_found', 'byo-s3 has no live add-on with this id.')
    }

    const plan = planNamed(slug)
    if ((resource.plan ?? DEFAULT_PLAN) === plan.slug) {
      return {message: `The add-on has the ${plan.slug} plan already; nothing changes.`}
    }

    if (resource.adopted) {
      if (!isDeepStrictEqual(plan.settings, DEFAULT_BUCKET_SETTINGS)) {
        throw new BrokerError(
          422,
          'adopted_bucket',
          `Bucket ${resource.bucketName} was adopted, and byo-s3 never changes an adopted ` +
            `bucket's settings, so this add-on cannot have the ${plan.slug} plan.`,
        )
      }

      await updateResource(db, id, {plan: plan.slug})
      return {message: `Plan is now ${plan.slug}; the adopted bucket stays as it is.`}
    }

    const link = await linkOf(db, resource)
    const {options, settings} = settingsForPlanChange(plan, resource, link)
    // Why an earlier change failed says nothing about this one. While provisioning, the reason
    // is that of provisioning itself, which its clean-up still needs.
    const failureReason = resource.state === 'provisioned' ? null : resource.failureReason
    await updateResource(db, id, {plan: plan.slug, options, settings, failureReason})
    await services.jobs.send(CHANGE_PLAN, id)
    log.info({addonId: id, plan: plan.slug}, 'plan change accepted')
    return {
      message:
        `Plan is now ${plan.slug}: ${plan.summary}. byo-s3 is changing bucket ` +
        `${resource.bucketName} to match.`,
    }
  })
}

async function linkOf(db: Queryable, resource: Resource): Promise<TeamLink> {
  if (!resource.teamId) {
    throw new BrokerError(
      409,
      'not_accepted',
      'byo-s3 has not yet found the team of this add-on. Change its plan once it is created.',
    )
  }

  const link = await findTeamLink(db, resource.teamId)
  if (link?.awsAccountId === resource.awsAccountId) return link

  const team = resource.teamName
  throw new BrokerError(
    422,
    'team_not_linked',
    `Team ${team} is no longer linked to AWS account ${resource.awsAccountId}, where bucket ` +
      `${resource.bucketName} is, so its plan cannot change. A team admin can link it again ` +
      `with heroku byo-s3:link --team ${team}.`,
  )
}
