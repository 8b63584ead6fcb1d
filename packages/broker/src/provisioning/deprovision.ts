import type {FastifyBaseLogger as Logger} from 'fastify'
import {deprovisionBucketAndUser} from '../aws/deprovision.js'
import {BrokerError} from '../errors.js'
import type {Services} from '../services.js'
import {findResource, updateResource} from '../storage/resources.js'
import {withResourceLock} from '../storage/resource-lock.js'
import {findTeamLink} from '../storage/team-links.js'
import {linkCredentials} from './provision.js'

/**
 * Deprovisions one add-on from what was recorded when it was provisioned: the app may be gone
 * and may have moved to another team since. An unknown uuid is remembered as deprovisioned, so
 * a late provision request for it is refused; repeating the call changes nothing.
 */
export async function deprovision(services: Services, id: string, log: Logger): Promise<void> {
  const {pool} = services
  await pool.query(
    `insert into resources (id, state, deprovisioned_at) values ($1, 'deprovisioned', now())
     on conflict (id) do nothing`,
    [id],
  )

  await withResourceLock(pool, id, async (db) => {
    const resource = (await findResource(db, id))!
    if (resource.state === 'deprovisioned') return

    const scope = {addonId: id, teamId: resource.teamId, bucket: resource.bucketName}
    if (resource.bucketName && resource.teamId && resource.awsAccountId) {
      const link = await findTeamLink(db, resource.teamId)
      if (!link) {
        await updateResource(db, id, {
          state: 'deprovisioning',
          message: `Team ${resource.teamName} has no AWS link any more; delete bucket ${resource.bucketName} by hand.`,
        })
        throw new BrokerError(
          409,
          'team_not_linked',
          `Team ${resource.teamName} is no longer linked to AWS, so bucket ${resource.bucketName} cannot be removed. ` +
            `A team admin must run heroku byo-s3:link --team ${resource.teamName}.`,
        )
      }

      await updateResource(db, id, {state: 'deprovisioning'})
      log.info(scope, 'deprovisioning bucket')
      await deprovisionBucketAndUser(services.aws, linkCredentials(services, link), {
        bucketName: resource.bucketName,
        region: resource.region!,
        accountId: resource.awsAccountId,
        iamUserName: resource.iamUserName!,
      })
    }

    await updateResource(db, id, {
      state: 'deprovisioned',
      deprovisionedAt: new Date(),
      appSecretAccessKeySealed: null,
      oauthAccessTokenSealed: null,
      oauthRefreshTokenSealed: null,
    })
    log.info(scope, 'deprovisioned')
  })
}
