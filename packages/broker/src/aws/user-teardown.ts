import {
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  type IAMClient,
  paginateListAttachedUserPolicies,
  paginateListUserPolicies,
} from '@aws-sdk/client-iam'

import {deleteAccessKey, listAccessKeyIds} from './access-keys.js'
import type {AwsClients, AwsCredentials} from './clients.js'
import {isAwsError} from './service-errors.js'

// DeleteConflict means something was attached meanwhile; a fresh listing usually clears it.
const MAX_DELETE_ROUNDS = 3

/**
 * Deletes the app's IAM user after removing what blocks DeleteUser: access keys, inline policies
 * and attached managed policies. A user or attachment that is already gone counts as deleted.
 */
export async function deleteUser(
  clients: AwsClients,
  credentials: AwsCredentials,
  userName: string,
): Promise<void> {
  const iam = clients.iam(credentials)

  for (let round = 1; ; round++) {
    try {
      await deleteAccessKeys(iam, userName)
      await deleteInlinePolicies(iam, userName)
      await detachManagedPolicies(iam, userName)
      await iam.send(new DeleteUserCommand({UserName: userName}))
      return
    } catch (error) {
      // Deletes of single attachments already tolerate NoSuchEntity: here the user itself is gone.
      if (isAwsError(error, 'NoSuchEntity')) return
      if (isAwsError(error, 'DeleteConflict') && round < MAX_DELETE_ROUNDS) continue

      throw error
    }
  }
}

/** Every key of the user, including a second one a rotation left or is using. */
export async function deleteAccessKeys(iam: IAMClient, userName: string): Promise<void> {
  for (const keyId of await listAccessKeyIds(iam, userName)) {
    await deleteAccessKey(iam, userName, keyId)
  }
}

async function deleteInlinePolicies(iam: IAMClient, userName: string) {
  const policyNames: string[] = []
  for await (const page of paginateListUserPolicies({client: iam}, {UserName: userName})) {
    policyNames.push(...(page.PolicyNames ?? []))
  }

  for (const policyName of policyNames) {
    await ignoringMissing(
      iam.send(new DeleteUserPolicyCommand({UserName: userName, PolicyName: policyName})),
    )
  }
}

async function detachManagedPolicies(iam: IAMClient, userName: string) {
  const policyArns: string[] = []
  const pages = paginateListAttachedUserPolicies({client: iam}, {UserName: userName})
  for await (const page of pages) {
    for (const policy of page.AttachedPolicies ?? []) {
      if (policy.PolicyArn) policyArns.push(policy.PolicyArn)
    }
  }

  for (const policyArn of policyArns) {
    await ignoringMissing(
      iam.send(new DetachUserPolicyCommand({UserName: userName, PolicyArn: policyArn})),
    )
  }
}

async function ignoringMissing(call: Promise<unknown>): Promise<void> {
  try {
    await call
  } catch (error) {
    if (!isAwsError(error, 'NoSuchEntity')) throw error
  }
}
