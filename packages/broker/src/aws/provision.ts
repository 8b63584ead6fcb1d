import {type BucketRef, type BucketTagging, createBucket, secureBucket} from './bucket-setup.js'
import type {AwsClients, AwsCredentials, AwsKeyPair} from './clients.js'
import {createAccessKey, createUser, putUserPolicy, type UserRequest} from './user-setup.js'

export {createBucket, secureBucket} from './bucket-setup.js'
export {verifyBucketSettings} from './bucket-verify.js'
export {KeyNotReadyError, waitUntilKeyWorks} from './readiness.js'
export {createAccessKey, createUser, putUserPolicy} from './user-setup.js'

export type ProvisionRequest = BucketRef & BucketTagging & UserRequest

/**
 * Every step is idempotent, so a job may run them one at a time and repeat any of them after a
 * crash. Returns the app's new access key: the only place its secret is ever handed out.
 */
export async function provisionBucketAndUser(
  clients: AwsClients,
  credentials: AwsCredentials,
  request: ProvisionRequest,
): Promise<AwsKeyPair> {
  await createBucket(clients, credentials, request)
  await secureBucket(clients, credentials, request)
  await createUser(clients, credentials, request)
  await putUserPolicy(clients, credentials, request)
  return createAccessKey(clients, credentials, request)
}
