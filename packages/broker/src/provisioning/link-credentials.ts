import type {AwsCredentials} from '../aws/clients.js'
import type {Services} from '../services.js'
import type {TeamLink} from '../storage/team-links.js'

/** The linked AWS identity's key pair, opened from storage only when a job needs it. */
export function linkCredentials(services: Services, link: TeamLink): AwsCredentials {
  return {
    accessKeyId: link.accessKeyId,
    secretAccessKey: services.config.keyRing.unseal(link.secretAccessKeySealed),
  }
}
