import {CreateUserCommand, PutUserPolicyCommand} from '@aws-sdk/client-iam'

import {deleteAccessKey, issueAccessKey, listAccessKeyIds} from './access-keys.js'
import type {AwsClients, AwsCredentials, AwsKeyPair} from './clients.js'
import {appPolicyFor} from './policy.js'
import {isAwsError} from './service-errors.js'
import {resourceTagsFor} from './tags.js'
import {deleteAccessKeys} from './user-teardown.js'

// The linking identity's IAM rights can be scoped to users under this path.
export const USER_PATH = '/byo-s3/'
export const APP_POLICY_NAME = 'byo-s3-bucket-access'

export interface UserRequest {
  iamUserName: string
  addonId: string
  tags: Record<string, string>
}

/** Creates the app's IAM user, tagged in the same call so an untagged user never exists. */
export async function createUser(
  clients: AwsClients,
  credentials: AwsCredentials,
  {iamUserName, addonId, tags}: UserRequest,
): Promise<void> {
  try {
    await clients.iam(credentials).send(
      new CreateUserCommand({
        UserName: iamUserName,
        Path: USER_PATH,
        Tags: resourceTagsFor(addonId, tags),
      }),
    )
  } catch (error) {
    if (isAwsError(error, 'EntityAlreadyExists')) return

    throw error
  }
}

/**
 * Grants the user data access to its one bucket, and use of the bucket's KMS key if it has one;
 * putting the same policy again is harmless.
 */
export async function putUserPolicy(
  clients: AwsClients,
  credentials: AwsCredentials,
  {
    iamUserName,
    bucketName,
    kmsKeyArn = null,
  }: {iamUserName: string; bucketName: string; kmsKeyArn?: string | null},
): Promise<void> {
  await clients.iam(credentials).send(
    new PutUserPolicyCommand({
      UserName: iamUserName,
      PolicyName: APP_POLICY_NAME,
      PolicyDocument: JSON.stringify(appPolicyFor(bucketName, {kmsKeyArn})),
    }),
  )
}

/**
 * Issues the app's access key. A key left by an earlier, interrupted attempt is deleted first:
 * its secret was shown only once and never recorded, so nobody can use it, and it would count
 * against the limit of two keys per user. For the same reason every other key is deleted after:
 * when AWS made a key but its answer was lost, the SDK's retry made a second one.
 */
export async function createAccessKey(
  clients: AwsClients,
  credentials: AwsCredentials,
  {iamUserName}: {iamUserName: string},
): Promise<AwsKeyPair> {
  const iam = clients.iam(credentials)
  await deleteAccessKeys(iam, iamUserName)
  const key = await issueAccessKey(iam, iamUserName)
  for (const keyId of await listAccessKeyIds(iam, iamUserName)) {
    if (keyId !== key.accessKeyId) await deleteAccessKey(iam, iamUserName, keyId)
  }

  return key
}
