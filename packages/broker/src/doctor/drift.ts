import {DEFAULT_BUCKET_SETTINGS} from '../aws/bucket-settings.js'
import {WRITABLE_PARTS, writeParts} from '../aws/bucket-configure.js'
import {bucketDrift, type BucketDrift} from '../aws/bucket-verify.js'
import type {AwsClients, AwsCredentials} from '../aws/clients.js'
import type {Resource} from '../storage/resources.js'
import type {TeamLink} from '../storage/team-links.js'
import {finding, type Inspected} from './findings.js'

interface Aws {
  clients: AwsClients
  credentials: AwsCredentials
}

/**
 * A live add-on's bucket read back as provisioning reads it. The settings byo-s3 writes are
 * safe to write again; tags are not (someone removed them on purpose, or another tool manages
 * them), and an adopted bucket's settings were never ours.
 */
export async function driftOf(addon: Resource, link: TeamLink, aws: Aws): Promise<Inspected[]> {
  const settings = addon.settings ?? DEFAULT_BUCKET_SETTINGS
  const bucket = {
    bucketName: addon.bucketName!,
    region: addon.region!,
    accountId: addon.awsAccountId!,
    addonId: addon.id,
    settings,
  }
  const drift = await bucketDrift(aws.clients, aws.credentials, bucket)
  const writable = drift.filter(({part}) => WRITABLE_PARTS.includes(part))
  const other = drift.filter(({part}) => !WRITABLE_PARTS.includes(part))
  const found: Inspected[] = []

  if (writable.length > 0) {
    const parts = [...new Set(writable.map(({part}) => part))]
    found.push(
      finding(
        {
          kind: 'drift',
          resource: 'bucket',
          name: bucket.bucketName,
          addonId: addon.id,
          problem: `${sentence(writable)}.`,
          action: 'Apply the settings byo-s3 set again: run doctor with --fix.',
        },
        async () => {
          await writeParts(aws.clients, aws.credentials, bucket, settings, parts)
          const left = (await bucketDrift(aws.clients, aws.credentials, bucket)).filter(({part}) =>
            parts.includes(part),
          )
          if (left.length > 0) {
            throw new Error(
              `Written again, but still ${sentence(left)}: an account or organisation policy ` +
                'may override it',
            )
          }

          return `Applied ${parts.join(', ')} again and read them back.`
        },
      ),
    )
  }

  if (other.length > 0) {
    found.push(
      finding({
        kind: 'drift',
        resource: 'bucket',
        name: bucket.bucketName,
        addonId: addon.id,
        problem: `${sentence(other)}.`,
        action:
          `Tag the bucket managed-by=byo-s3 and byo-s3:addon-uuid=${addon.id} again in the ` +
          'S3 console; byo-s3 does not rewrite tags someone changed.',
      }),
    )
  }

  if (settings.publicPrefix !== null && !link.allowPublic) {
    found.push(
      finding({
        kind: 'drift',
        resource: 'bucket',
        name: bucket.bucketName,
        addonId: addon.id,
        problem:
          `Anyone may read ${settings.publicPrefix} in it, and the team's policy no longer ` +
          'allows public prefixes.',
        action:
          'Allow public prefixes again (heroku byo-s3:link --allow-public), or recreate the ' +
          'add-on without a public prefix.',
      }),
    )
  }

  return found
}

function sentence(drift: BucketDrift[]): string {
  const text = drift.map(({problem}) => problem).join('; ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}
