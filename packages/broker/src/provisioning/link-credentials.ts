import type {AwsCredentials} from '../aws/clients.js'
import {BrokerError} from '../errors.js'
import type {Services} from '../services.js'
import type {TeamLink} from '../storage/team-links.js'

/**
 * How a job reaches the team's account: the linked IAM user's key pair, opened from storage only
 * when needed, or the linked role, assumed with the team's External ID.
 */
export function linkCredentials(services: Services, link: TeamLink): AwsCredentials {
  if (link.kind === 'role') {
    if (!link.externalId) {
      throw new BrokerError(
        409,
        'external_id_missing',
        `Team ${link.teamName}'s role link has no External ID. Run heroku byo-s3:link --team ` +
          `${link.teamName} --print-role-setup, update the role's trust policy, and link again.`,
      )
    }
    return {
      roleArn: link.roleArn,
      externalId: link.externalId,
      sessionName: roleSessionName(link.teamId),
    }
  }

  return {
    accessKeyId: link.accessKeyId,
    secretAccessKey: services.config.keyRing.unseal(link.secretAccessKeySealed),
  }
}

/** `byo-s3-<first part of the team id>`: names byo-s3 and the team in the team's CloudTrail. */
export function roleSessionName(teamId: string): string {
  return `byo-s3-${teamId.slice(0, 8)}`
}
