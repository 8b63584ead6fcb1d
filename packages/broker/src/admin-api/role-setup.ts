import {brokerPrincipalArn} from '../aws/broker-principal.js'
import {DEFAULT_BUCKET_PREFIX} from '../aws/bucket-name.js'
import {roleSetupFor} from '../aws/link-policy.js'
import type {Team} from '../heroku/platform.js'
import type {Services} from '../services.js'
import {findTeamLink, teamExternalId} from '../storage/team-links.js'

/**
 * What an admin creates in the team's AWS account before linking a role: its trust policy, its
 * permissions policy and a CloudFormation template holding both. Makes the team's External ID on
 * first use, and a new one only when asked, which breaks the trust of any role made before.
 */
export async function roleSetupOf(
  services: Services,
  team: Team,
  {newExternalId = false}: {newExternalId?: boolean},
) {
  // Asked first, so a broker that cannot name itself leaves the External ID as it was.
  const brokerArn = await brokerPrincipalArn(services.aws, services.config.aws.brokerPrincipalArn)
  const link = await findTeamLink(services.pool, team.id)
  const externalId = await teamExternalId(services.pool, team.id, {renew: newExternalId})
  return {
    team: {id: team.id, name: team.name},
    renewed: newExternalId,
    linkedRoleArn: link?.kind === 'role' ? link.roleArn : null,
    ...roleSetupFor({
      teamName: team.name,
      bucketPrefix: link?.bucketPrefix ?? DEFAULT_BUCKET_PREFIX,
      brokerPrincipalArn: brokerArn,
      externalId,
    }),
  }
}
