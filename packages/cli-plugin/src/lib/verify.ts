import type {VerifyResult} from './broker.js'

import {ByoS3Error, ExitCode} from './errors.js'
import {color} from './output.js'

/** The keys' identity, then one line per permission the broker simulated. */
export function verifyLines({arn, awsAccountId, permissions}: VerifyResult): string[] {
  return [
    `Keys work: ${arn} in AWS account ${awsAccountId}.`,
    ...permissions.map(({action, allowed, resource}) =>
      allowed
        ? `${color.success('✓')} ${action} on ${resource}`
        : `${color.failure('✗')} ${action} on ${resource}`,
    ),
  ]
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
