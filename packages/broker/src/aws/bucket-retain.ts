import {PutBucketTaggingCommand} from '@aws-sdk/client-s3'

import type {BucketRef} from './bucket-setup.js'
import {readBucketTags, targetOf} from './bucket-tags.js'
import type {AwsClients, AwsCredentials} from './clients.js'
import {isAwsError} from './service-errors.js'
import {ADDON_STATE_TAG, RETAINED_TAG, tagSetOf} from './tags.js'

/**
 * Keeps the bucket and its data, marking it as left behind by a deprovisioned add-on. The first
 * retention date stays when this runs again, and a bucket already gone counts as done.
 * PutBucketTagging replaces the whole set, so the tags are read, merged and written back.
 */
export async function retainBucket(
  clients: AwsClients,
  credentials: AwsCredentials,
  bucket: BucketRef,
  {now = () => new Date()}: {now?: () => Date} = {},
): Promise<void> {
  const s3 = clients.s3(credentials, bucket.region)
  const target = targetOf(bucket)

  try {
    const tags = await readBucketTags(s3, target)
    if (tags[ADDON_STATE_TAG] === 'deprovisioned' && tags[RETAINED_TAG]) return

    const merged = {
      ...tags,
      [RETAINED_TAG]: tags[RETAINED_TAG] ?? now().toISOString(),
      [ADDON_STATE_TAG]: 'deprovisioned',
    }
    await s3.send(new PutBucketTaggingCommand({...target, Tagging: {TagSet: tagSetOf(merged)}}))
  } catch (error) {
    if (!isAwsError(error, 'NoSuchBucket')) throw error
  }
}
