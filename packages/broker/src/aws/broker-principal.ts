import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'

import {BrokerError} from '../errors.js'
import type {AwsClients} from './clients.js'
import {awsErrorCode} from './service-errors.js'

// One lookup per client set: the broker's identity does not change while it runs.
const principals = new WeakMap<AwsClients, Promise<string>>()

/**
 * The ARN a team's trust policy names to let the broker assume its role: the operator's
 * override, or what STS says the broker is. A failed lookup is not cached, so the next request
 * asks again.
 */
export function brokerPrincipalArn(clients: AwsClients, override?: string): Promise<string> {
  if (override) return Promise.resolve(override)

  let principal = principals.get(clients)
  if (!principal) {
    principal = lookUp(clients)
    principals.set(clients, principal)
    principal.catch(() => principals.delete(clients))
  }
  return principal
}

async function lookUp(clients: AwsClients): Promise<string> {
  try {
    const reply = await clients.brokerSts().send(new GetCallerIdentityCommand({}))
    if (!reply.Arn) throw new Error('GetCallerIdentity answered without Arn')

    return trustablePrincipal(reply.Arn)
  } catch (error) {
    throw new BrokerError(
      503,
      'broker_identity_unknown',
      `byo-s3 could not find out its own AWS identity (${awsErrorCode(error) ?? 'no answer'}), ` +
        'which the role setup names. Try again later; the operator can set BROKER_AWS_PRINCIPAL_ARN.',
      {cause: error},
    )
  }
}

/**
 * A trust policy names roles, not their sessions: `arn:aws:sts::<account>:assumed-role/R/<session>`
 * becomes `arn:aws:iam::<account>:role/R`. The session ARN drops the role's path, so a broker
 * role with a path other than `/` needs BROKER_AWS_PRINCIPAL_ARN. Users and roots stay as they are.
 */
export function trustablePrincipal(arn: string): string {
  const session = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn)
  if (!session) return arn

  const [, partition, account, role] = session
  return `arn:${partition}:iam::${account}:role/${role}`
}
