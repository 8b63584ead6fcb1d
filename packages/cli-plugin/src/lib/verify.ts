import type {LinkKind, PermissionCheck, VerifyResult} from './broker.js'

import {ByoS3Error, ExitCode} from './errors.js'
import {color} from './output.js'

/** The link's identity, then one line per permission the broker simulated. */
export function verifyLines({
  arn,
  awsAccountId,
  kind,
  permissions,
  roleArn,
}: VerifyResult): string[] {
  const identity =
    kind === 'role'
      ? `Role ${roleArn} assumed: ${arn} in AWS account ${awsAccountId}.`
      : `Keys work: ${arn} in AWS account ${awsAccountId}.`
  return [identity, ...permissionLines(permissions)]
}

export function permissionLines(permissions: PermissionCheck[]): string[] {
  return permissions.map(({action, allowed, resource}) =>
    allowed
      ? `${color.success('✓')} ${action} on ${resource}`
      : `${color.failure('✗')} ${action} on ${resource}`,
  )
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
