import type {Headroom, LinkKind, PermissionCheck, VerifyResult} from './broker.js'

import {ByoS3Error, ExitCode} from './errors.js'
import {color} from './output.js'

/** The link's identity, one line per permission the broker simulated, then the quota counts. */
export function verifyLines({
  arn,
  awsAccountId,
  kind,
  permissions,
  quotas,
  roleArn,
}: VerifyResult): string[] {
  const identity =
    kind === 'role'
      ? `Role ${roleArn} assumed: ${arn} in AWS account ${awsAccountId}.`
      : `Keys work: ${arn} in AWS account ${awsAccountId}.`
  return [
    identity,
    ...permissionLines(permissions),
    ...headroomLine('IAM users', quotas?.iamUsers),
    ...headroomLine('General purpose S3 buckets', quotas?.buckets),
  ]
}

export function permissionLines(permissions: PermissionCheck[]): string[] {
  return permissions.map(({action, allowed, recommended, resource}) => {
    const line = `${action} on ${resource}${recommended ? ' (recommended)' : ''}`
    return allowed ? `${color.success('✓')} ${line}` : `${color.failure('✗')} ${line}`
  })
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
  return `Recommended: add ${missing.join(', ')} to the linked identity's policy, so byo-s3 can refuse an add-on before the account runs out of IAM users or buckets, and heroku byo-s3:doctor can list what the account holds.`
}

export function notCheckedMessage(reason: null | string, kind: LinkKind = 'keys'): string {
  const identity = kind === 'role' ? 'the linked role' : 'the linked identity'
  return `Could not check permissions: ${reason ?? 'the broker gave no reason'}. Grant iam:SimulatePrincipalPolicy on ${identity} to let byo-s3 check them.`
}

export function missingError(missing: string[], kind: LinkKind = 'keys'): ByoS3Error {
  const where =
    kind === 'role'
      ? "the role's permissions policy (heroku byo-s3:link --print-role-setup prints it)"
      : "the linked identity's policy"
  return new ByoS3Error(`Add to ${where}: ${missing.join(', ')}`, ExitCode.refused)
}
