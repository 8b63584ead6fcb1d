import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'

import {BrokerError} from '../errors.js'
import type {AwsClients, AwsCredentials} from './clients.js'
import {awsErrorCode, httpStatusOf, isAwsError, isAwsUnavailable} from './service-errors.js'

export interface CallerIdentity {
  accountId: string
  arn: string
}

const REJECTED_CREDENTIALS = ['InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken']

/** Which AWS account and identity the credentials belong to; needs no IAM permission. */
export async function whoAmI(
  clients: AwsClients,
  credentials: AwsCredentials,
): Promise<CallerIdentity> {
  try {
    const reply = await clients.sts(credentials).send(new GetCallerIdentityCommand({}))
    if (!reply.Account || !reply.Arn) throw new Error('GetCallerIdentity answered without Account')

    return {accountId: reply.Account, arn: reply.Arn}
  } catch (error) {
    throw identityError(error)
  }
}

function identityError(error: unknown): unknown {
  const code = awsErrorCode(error) ?? 'unknown error'
  if (isAwsError(error, ...REJECTED_CREDENTIALS) || httpStatusOf(error) === 403) {
    return new BrokerError(
      422,
      'invalid_aws_credentials',
      `AWS rejected these credentials (${code}). Check the access key id and secret and run the command again.`,
      {cause: error},
    )
  }

  if (isAwsUnavailable(error)) {
    return new BrokerError(
      502,
      'aws_unreachable',
      `AWS could not be reached to check these credentials (${code}). Try again in a few minutes.`,
      {cause: error},
    )
  }

  return error
}
