import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  type IAMClient,
  paginateListAccessKeys,
} from '@aws-sdk/client-iam'

import type {AwsKeyPair} from './clients.js'
import {isAwsError} from './service-errors.js'

/** The ids of every access key the user holds, active or not. */
export async function listAccessKeyIds(iam: IAMClient, userName: string): Promise<string[]> {
  const keyIds: string[] = []
  for await (const page of paginateListAccessKeys({client: iam}, {UserName: userName})) {
    for (const key of page.AccessKeyMetadata ?? []) {
      if (key.AccessKeyId) keyIds.push(key.AccessKeyId)
    }
  }

  return keyIds
}

/** Deletes one access key; a key that is already gone counts as deleted. */
export async function deleteAccessKey(
  iam: IAMClient,
  userName: string,
  accessKeyId: string,
): Promise<void> {
  try {
    await iam.send(new DeleteAccessKeyCommand({UserName: userName, AccessKeyId: accessKeyId}))
  } catch (error) {
    if (!isAwsError(error, 'NoSuchEntity')) throw error
  }
}

/** Issues a new key for the user. Its secret is in this answer only; AWS never shows it again. */
export async function issueAccessKey(iam: IAMClient, userName: string): Promise<AwsKeyPair> {
  const {AccessKey: key} = await iam.send(new CreateAccessKeyCommand({UserName: userName}))
  if (!key?.AccessKeyId || !key.SecretAccessKey) {
    throw new Error(`CreateAccessKey for ${userName} answered without a key`)
  }

  return {accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey}
}

/** Shows enough of an access key id to recognise it: `AKIA************MPLE`. */
export function maskKeyId(keyId: string): string {
  if (keyId.length <= 8) return '*'.repeat(keyId.length)
  return keyId.slice(0, 4) + '*'.repeat(keyId.length - 8) + keyId.slice(-4)
}
