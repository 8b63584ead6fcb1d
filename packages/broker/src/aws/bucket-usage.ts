import {ListObjectsV2Command, type S3Client} from '@aws-sdk/client-s3'

export interface BucketUsage {
  objects: number
  bytes: number
  /** False when the count stopped at the page limit: the bucket holds more than `objects`. */
  complete: boolean
}

export interface UsageOptions {
  /** Pages of up to 1,000 keys to read before giving up; each one is a billed S3 request. */
  maxPages?: number
  signal?: AbortSignal
}

/**
 * Counts a bucket's current objects and adds up their sizes with ListObjectsV2. The cost is
 * bounded: after `maxPages` pages it stops and says the count is incomplete. Older versions of
 * objects in a versioned bucket are not counted.
 */
export async function bucketUsage(
  s3: S3Client,
  bucketName: string,
  {maxPages = 10, signal}: UsageOptions = {},
): Promise<BucketUsage> {
  let objects = 0
  let bytes = 0
  let continuationToken: string | undefined
  for (let page = 0; page < maxPages; page++) {
    const reply = await s3.send(
      new ListObjectsV2Command({Bucket: bucketName, ContinuationToken: continuationToken}),
      {abortSignal: signal},
    )
    for (const object of reply.Contents ?? []) {
      objects++
      bytes += object.Size ?? 0
    }

    if (!reply.IsTruncated) return {objects, bytes, complete: true}

    continuationToken = reply.NextContinuationToken
    if (!continuationToken) break
  }

  return {objects, bytes, complete: false}
}
