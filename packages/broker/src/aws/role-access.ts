import {AssumeRoleCommand} from '@aws-sdk/client-sts'

import {BrokerError} from '../errors.js'
import type {AwsClients, AwsRole} from './clients.js'
import {type CallerIdentity, whoAmI} from './identity.js'
import {awsErrorCode, isAwsError, isAwsUnavailable} from './service-errors.js'

/** `arn:<partition>:iam::<account>:role/<optional path/>name`, as IAM spells role ARNs. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\x21-\x7e]{0,510}\/)?[\w+=,.@-]{1,64}$/

const BROKER_REJECTED = ['InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken']

/** The account a role ARN names, or a 422 saying what a role ARN looks like. */
export function accountOfRoleArn(roleArn: string): string {
  const match = ROLE_ARN.exec(roleArn)
  if (match) return match[1]

  throw new BrokerError(
    422,
    'invalid_role_arn',
    `"${roleArn.slice(0, 80)}" is not an IAM role ARN. Copy the role's ARN from the IAM console ` +
      'or the stack output, like arn:aws:iam::111122223333:role/byo-s3/byo-s3-acme.',
  )
}

/**
 * Proves the broker can act through the team's role: AssumeRole with the External ID succeeds,
 * the session is in the role's account, and AssumeRole without the External ID fails (otherwise
 * any byo-s3 team could link the role: the confused deputy). Each refusal says what to fix.
 */
export async function checkRole(
  clients: AwsClients,
  role: AwsRole,
  brokerArn: string,
): Promise<CallerIdentity> {
  const account = accountOfRoleArn(role.roleArn)
  await assumeTeamRole(clients, role, brokerArn)
  const identity = await whoAmI(clients, role)
  if (identity.accountId !== account) {
    throw new BrokerError(
      422,
      'role_account_mismatch',
      `Assuming ${role.roleArn} gave a session in AWS account ${identity.accountId}, not ${account}. ` +
        'Check the role ARN.',
    )
  }

  await refuseRoleWithoutExternalId(clients, role)
  return identity
}

/** A session of the team's role, or an error that says what in the role to check. */
export async function assumeTeamRole(clients: AwsClients, role: AwsRole, brokerArn?: string) {
  try {
    return await clients.assumeRole(role)
  } catch (error) {
    throw assumeRoleError(error, role, brokerArn)
  }
}

async function refuseRoleWithoutExternalId(clients: AwsClients, role: AwsRole) {
  try {
    await clients.brokerSts().send(
      new AssumeRoleCommand({
        RoleArn: role.roleArn,
        RoleSessionName: role.sessionName,
        DurationSeconds: 900,
      }),
    )
  } catch (error) {
    if (isAwsError(error, 'AccessDenied')) return
    if (isAwsUnavailable(error)) throw unreachable(error)

    throw error
  }

  throw new BrokerError(
    422,
    'external_id_not_required',
    `The trust policy of ${role.roleArn} lets byo-s3 assume it without this team's External ID, so ` +
      'another Heroku team could link the same role. Add the condition StringEquals ' +
      'sts:ExternalId (heroku byo-s3:link --print-role-setup shows it) and link again.',
  )
}

function assumeRoleError(error: unknown, role: AwsRole, brokerArn?: string) {
  const account = ROLE_ARN.exec(role.roleArn)?.[1] ?? 'the ARN names'
  const principal = brokerArn ?? "byo-s3's principal"
  const code = awsErrorCode(error) ?? 'unknown error'
  // STS answers AccessDenied alike for a missing role, another principal and a missing or
  // different External ID, so the message lists all three.
  if (code === 'AccessDenied') {
    return new BrokerError(
      422,
      'role_not_assumable',
      `AWS refused to let byo-s3 assume ${role.roleArn} (AccessDenied). Check that the role exists ` +
        `in account ${account}, that its trust policy allows the principal ${principal}, and that ` +
        `it requires sts:ExternalId ${role.externalId}. heroku byo-s3:link --print-role-setup ` +
        'prints the trust policy to use.',
      {cause: error},
    )
  }

  if (code === 'ValidationError' || code === 'MalformedPolicyDocument') {
    return new BrokerError(
      422,
      'invalid_role_arn',
      `AWS does not accept ${role.roleArn} as a role ARN (${code}). Copy the ARN from the IAM ` +
        'console or the stack output and link again.',
      {cause: error},
    )
  }

  if (code === 'RegionDisabledException') {
    return new BrokerError(
      422,
      'sts_region_disabled',
      `STS is not enabled in the broker's region for account ${account}. Enable it in the IAM ` +
        'console (Account settings) and link again.',
      {cause: error},
    )
  }

  if (BROKER_REJECTED.includes(code) || code === 'CredentialsProviderError') {
    return new BrokerError(
      503,
      'broker_identity_rejected',
      `byo-s3 has no working AWS identity of its own to assume roles with (${code}). This is for ` +
        "the broker's operator to fix; try again later or link with access keys.",
      {cause: error},
    )
  }

  if (isAwsUnavailable(error)) return unreachable(error)

  return error
}

function unreachable(error: unknown) {
  return new BrokerError(
    502,
    'aws_unreachable',
    `AWS STS could not be reached to assume the role (${awsErrorCode(error) ?? 'no answer'}). ` +
      'Try again in a few minutes.',
    {cause: error},
  )
}
