import {
  AbortMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  type S3Client,
} from '@aws-sdk/client-s3'

import {BrokerError} from '../errors.js'
import type {BucketRef} from './bucket-setup.js'
import {type BucketTarget as Target, targetOf} from './bucket-tags.js'
import type {AwsClients, AwsCredentials} from './clients.js'
import {httpStatusOf, isAwsError} from './service-errors.js'

const MAX_KEYS_PER_DELETE = 1000
// While one batch is deleted the next can be listed and sent. S3 takes about 3,500 deletes a
// second under one prefix before it answers SlowDown, so more batches at once would gain little.
const MAX_DELETES_IN_FLIGHT = 2
const MAX_DELETE_ATTEMPTS = 3
const RETRY_DELAY_MS = 100
// Each pass lists from the start; a bucket still not empty after this many is being written to.
const MAX_EMPTYING_PASSES = 5
const MAX_DELETE_BUCKET_ATTEMPTS = 3

/**
 * Deletes every object version, delete marker and unfinished multipart upload, then the bucket.
 * A bucket that no longer exists counts as deleted, so the whole teardown can be repeated.
 */
export async function emptyAndDeleteBucket(
  clients: AwsClients,
  credentials: AwsCredentials,
  bucket: BucketRef,
): Promise<void> {
  const s3 = clients.s3(credentials, bucket.region)
  const target = targetOf(bucket)

  try {
    await refuseUndeletable(s3, target)
    await emptyThenDelete(s3, target)
  } catch (error) {
    if (!isAwsError(error, 'NoSuchBucket')) throw error
  }
}

/**
 * Refuses, with 409 `bucket_locked`, a bucket whose objects cannot all be deleted now: Object
 * Lock keeps retained or legally held versions until their retention ends, and MFA delete
 * lets only the root user with its MFA device delete versions. Emptying such a bucket would
 * fail part-way, so it is left to the team. A bucket that no longer exists passes.
 */
export async function checkBucketDeletable(
  clients: AwsClients,
  credentials: AwsCredentials,
  bucket: BucketRef,
): Promise<void> {
  try {
    await refuseUndeletable(clients.s3(credentials, bucket.region), targetOf(bucket))
  } catch (error) {
    if (!isAwsError(error, 'NoSuchBucket')) throw error
  }
}

async function refuseUndeletable(s3: S3Client, target: Target) {
  if (await hasObjectLock(s3, target)) {
    throw bucketLocked(
      `Bucket ${target.Bucket} has Object Lock enabled, so its objects cannot be deleted before ` +
        `their retention ends.`,
      'delete it in their AWS account after retention ends',
    )
  }

  if (await hasMfaDelete(s3, target)) {
    throw bucketLocked(
      `Bucket ${target.Bucket} has MFA delete enabled, so only the account's root user with its ` +
        `MFA device can delete object versions.`,
      'empty and delete it in their AWS account with that device',
    )
  }
}

async function hasObjectLock(s3: S3Client, target: Target): Promise<boolean> {
  try {
    const reply = await s3.send(new GetObjectLockConfigurationCommand(target))
    return reply.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled'
  } catch (error) {
    if (isFeatureAbsent(error)) return false

    throw error
  }
}

async function hasMfaDelete(s3: S3Client, target: Target): Promise<boolean> {
  try {
    const reply = await s3.send(new GetBucketVersioningCommand(target))
    return reply.MFADelete === 'Enabled'
  } catch (error) {
    if (isFeatureAbsent(error)) return false

    throw error
  }
}

// S3 answers a bucket without Object Lock with a 404 of its own code; S3-compatible services
// without the feature at all answer NotImplemented. A missing bucket is a different 404.
function isFeatureAbsent(error: unknown): boolean {
  if (isAwsError(error, 'NoSuchBucket')) return false

  return (
    isAwsError(error, 'ObjectLockConfigurationNotFoundError', 'NotImplemented') ||
    httpStatusOf(error) === 404
  )
}

function bucketLocked(reason: string, nextStep: string) {
  return new BrokerError(
    409,
    'bucket_locked',
    `${reason} byo-s3 has left the bucket and its data in place; the team must ${nextStep}.`,
  )
}

async function emptyThenDelete(s3: S3Client, target: Target) {
  for (let attempt = 1; ; attempt++) {
    await deleteAllVersions(s3, target)
    await abortMultipartUploads(s3, target)
    try {
      await s3.send(new DeleteBucketCommand(target))
      return
    } catch (error) {
      // Something was written after the listing came back empty: empty it again.
      if (!isAwsError(error, 'BucketNotEmpty') || attempt >= MAX_DELETE_BUCKET_ATTEMPTS) throw error
    }
  }
}

async function deleteAllVersions(s3: S3Client, target: Target) {
  for (let pass = 1; pass <= MAX_EMPTYING_PASSES; pass++) {
    const deleted = await deleteListedVersions(s3, target)
    if (deleted === 0) return
  }

  throw new Error(`Bucket ${target.Bucket} still held objects after ${MAX_EMPTYING_PASSES} passes`)
}

/**
 * One pass over ListObjectVersions. Full batches are deleted while the listing goes on, a few at
 * a time: each page and each batch is a round trip to S3, and waiting for one before starting
 * the next would leave the connection idle most of the time. The pass ends only once every
 * batch it started has finished, so the next pass lists what is really left.
 */
async function deleteListedVersions(s3: S3Client, target: Target): Promise<number> {
  const batches = new BatchDeletes(s3, target)
  let pending: ObjectIdentifier[] = []
  let listed = 0

  try {
    for await (const page of objectVersionPages(s3, target)) {
      listed += page.length
      pending.push(...page)
      while (pending.length >= MAX_KEYS_PER_DELETE) {
        await batches.start(pending.slice(0, MAX_KEYS_PER_DELETE))
        pending = pending.slice(MAX_KEYS_PER_DELETE)
      }
    }

    if (pending.length > 0) await batches.start(pending)
  } catch (error) {
    await batches.settled()
    throw error
  }

  await batches.finish()
  return listed
}

/** DeleteObjects batches in flight, at most MAX_DELETES_IN_FLIGHT; the first failure ends them. */
class BatchDeletes {
  readonly #running = new Set<Promise<void>>()
  #failure: {error: unknown} | undefined

  constructor(
    private readonly s3: S3Client,
    private readonly target: Target,
  ) {}

  /** Waits for a free slot, then sends the batch; throws once an earlier batch has failed. */
  async start(objects: ObjectIdentifier[]): Promise<void> {
    while (this.#running.size >= MAX_DELETES_IN_FLIGHT) await Promise.race(this.#running)
    this.#throwIfFailed()

    const batch: Promise<void> = deleteObjects(this.s3, this.target, objects)
      .catch((error: unknown) => {
        this.#failure ??= {error}
      })
      .finally(() => this.#running.delete(batch))
    this.#running.add(batch)
  }

  /** Waits for every batch to succeed or fail. */
  async settled(): Promise<void> {
    await Promise.all(this.#running)
  }

  /** Waits for every batch, then throws the first failure, if any. */
  async finish(): Promise<void> {
    await this.settled()
    this.#throwIfFailed()
  }

  #throwIfFailed() {
    if (this.#failure) throw this.#failure.error
  }
}

// Versions and delete markers alike; an unversioned bucket lists its objects with version `null`.
async function* objectVersionPages(s3: S3Client, target: Target) {
  let markers: {KeyMarker?: string; VersionIdMarker?: string} = {}
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({...target, ...markers}))
    yield identifiersOf([...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])])
    if (!page.IsTruncated || page.NextKeyMarker === undefined) return

    markers = {KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker}
  }
}

function identifiersOf(entries: {Key?: string; VersionId?: string}[]): ObjectIdentifier[] {
  return entries.flatMap(({Key, VersionId}) => (Key === undefined ? [] : [{Key, VersionId}]))
}

/** Per-key failures arrive inside a successful reply; only those keys are sent again. */
async function deleteObjects(s3: S3Client, target: Target, objects: ObjectIdentifier[]) {
  let remaining = objects
  for (let attempt = 1; ; attempt++) {
    const reply = await s3.send(
      new DeleteObjectsCommand({...target, Delete: {Objects: remaining, Quiet: true}}),
    )
    const errors = reply.Errors ?? []
    if (errors.length === 0) return

    if (attempt >= MAX_DELETE_ATTEMPTS) {
      const [first] = errors
      throw new Error(
        `S3 refused to delete ${errors.length} objects from bucket ${target.Bucket} ` +
          `(first: ${first.Code} on ${first.Key})`,
      )
    }

    remaining = identifiersOf(errors)
    await sleep(RETRY_DELAY_MS * 2 ** (attempt - 1))
  }
}

async function abortMultipartUploads(s3: S3Client, target: Target) {
  let markers: {KeyMarker?: string; UploadIdMarker?: string} = {}
  for (;;) {
    const page = await s3.send(new ListMultipartUploadsCommand({...target, ...markers}))
    for (const {Key, UploadId} of page.Uploads ?? []) {
      if (Key !== undefined && UploadId !== undefined) await abortUpload(s3, target, Key, UploadId)
    }

    if (!page.IsTruncated || page.NextKeyMarker === undefined) return

    markers = {KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker}
  }
}

async function abortUpload(s3: S3Client, target: Target, key: string, uploadId: string) {
  try {
    await s3.send(new AbortMultipartUploadCommand({...target, Key: key, UploadId: uploadId}))
  } catch (error) {
    if (!isAwsError(error, 'NoSuchUpload')) throw error
  }
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
