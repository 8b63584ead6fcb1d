import type {BucketRef} from './bucket-setup.js'
import {emptyAndDeleteBucket} from './bucket-teardown.js'
import type {AwsClients, AwsCredentials} from './clients.js'
import {deleteUser} from './user-teardown.js'

export {retainBucket} from './bucket-retain.js'
export {checkBucketDeletable, emptyAndDeleteBucket} from './bucket-teardown.js'
export {deleteUser} from './user-teardown.js'

export interface DeprovisionRequest extends BucketRef {
  iamUserName: string
}

/** The user goes first, so the app cannot write while its bucket is being emptied. */
export async function deprovisionBucketAndUser(
  clients: AwsClients,
  credentials: AwsCredentials,
  request: DeprovisionRequest,
): Promise<void> {
  await deleteUser(clients, credentials, request.iamUserName)
  await emptyAndDeleteBucket(clients, credentials, request)
}
