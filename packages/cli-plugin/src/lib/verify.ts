import type {Headroom, VerifyResult} from './broker.js'

import {ByoS3Error, ExitCode} from './errors.js'
import {color} from './output.js'

/** The keys' identity, one line per permission the broker simulated, then the quota counts. */
export function verifyLines({arn, awsAccountId, permissions, quotas}: VerifyResult): string[] {
  return [
    `Keys work: ${arn} in AWS account ${awsAccountId}.`,
    ...permissions.map(({action, allowed, recommended, resource}) => {
      const line = `${action} on ${resource}${recommended ? ' (recommended)' : ''}`
      return allowed ? `${color.success('✓')} ${line}` : `${color.failure('✗')} ${line}`
    }),
    ...headroomLine('IAM users', quotas?.iamUsers),
    ...headroomLine('General purpose S3 buckets', quotas?.buckets),
  ]
}

function headroomLine(what: string, headroom: Headroom | null | undefined): string[] {
  if (!headroom) return []

  const {quota, refusedBelow, used} = headroom
  return [
    `${what}: ${used} of ${quota}; provisioning is refused once fewer than ${refusedBelow} remain.`,
  ]
}

/** Said, not thrown: provisioning works without these, it only skips its quota check. */
export function recommendedMessage(missing: string[]): string {
  return `Recommended: add ${missing.join(', ')} to the linked identity's policy, so byo-s3 can refuse an add-on before the account runs out of IAM users or buckets.`
}

export function notCheckedMessage(reason: null | string): string {
  return `Could not check permissions: ${reason ?? 'the broker gave no reason'}. Grant iam:SimulatePrincipalPolicy on the linked identity to let byo-s3 check them.`
}

export function missingError(missing: string[]): ByoS3Error {
  return new ByoS3Error(
    `Add to the linked identity's policy: ${missing.join(', ')}`,
    ExitCode.refused,
  )
}
