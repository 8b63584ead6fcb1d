import {ListObjectsV2Command, type S3Client} from '@aws-sdk/client-s3'

import type {AwsClients, AwsKeyPair} from './clients.js'
import {describeAwsError, httpStatusOf, isAwsError, isTransientAwsError} from './service-errors.js'

/** Where S3 clients come from: the broker's client cache, or any function building one. */
export type S3ClientSource =
  Pick<AwsClients, 's3'> | ((credentials: AwsKeyPair, region: string) => S3Client)

export interface ReadinessOptions {
  /** Successes in a row that count as ready; front ends learn of a new key at different times. */
  consecutive?: number
  maxWaitMs?: number
  initialDelayMs?: number
  maxDelayMs?: number
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

// What S3 answers while IAM has not yet propagated the new key or its policy.
const NOT_YET_CODES = ['InvalidAccessKeyId', 'AccessDenied', 'SignatureDoesNotMatch']

/**
 * The new key was still not accepted when the wait ran out. IAM is slow now and then, so this is
 * worth retrying later; the message carries S3's last answer, never the key's secret.
 */
export class KeyNotReadyError extends Error {
  readonly probes: number

  constructor(message: string, probes: number, options?: {cause?: unknown}) {
    super(message, options)
    this.name = 'KeyNotReadyError'
    this.probes = probes
  }
}

/**
 * Waits until S3 accepts the app's new access key for its bucket. There is no API that reports
 * when IAM has propagated a key, and a fixed sleep is either too long or too short, so this lists
 * the bucket with the key itself until it works `consecutive` times in a row, backing off after
 * each refusal (1 s, 2 s, 4 s, then every 5 s) and spacing successes by the initial delay.
 * Returns how many probes it made.
 */
export async function waitUntilKeyWorks(
  clients: S3ClientSource,
  appCredentials: AwsKeyPair,
  bucket: {bucketName: string; region: string},
  options: ReadinessOptions = {},
): Promise<number> {
  const {
    consecutive = 3,
    maxWaitMs = 120_000,
    initialDelayMs = 1000,
    maxDelayMs = 5000,
    sleep = defaultSleep,
    now = Date.now,
  } = options
  const s3 =
    typeof clients === 'function'
      ? clients(appCredentials, bucket.region)
      : clients.s3(appCredentials, bucket.region)
  const probe = new ListObjectsV2Command({Bucket: bucket.bucketName, MaxKeys: 1})
  const startedAt = now()

  let probes = 0
  let streak = 0
  let refusals = 0
  let lastRefusal: unknown
  for (;;) {
    probes++
    try {
      await s3.send(probe)
      streak++
      refusals = 0
      lastRefusal = undefined
      if (streak >= consecutive) return probes
    } catch (error) {
      if (!isNotYet(error)) throw error

      streak = 0
      refusals++
      lastRefusal = error
    }

    const remainingMs = maxWaitMs - (now() - startedAt)
    if (remainingMs <= 0) {
      throw notReady(bucket.bucketName, probes, maxWaitMs, streak, lastRefusal)
    }

    const delayMs =
      refusals === 0 ? initialDelayMs : Math.min(initialDelayMs * 2 ** (refusals - 1), maxDelayMs)
    await sleep(Math.min(delayMs, remainingMs))
  }
}

function isNotYet(error: unknown): boolean {
  return (
    isAwsError(error, ...NOT_YET_CODES) || httpStatusOf(error) === 403 || isTransientAwsError(error)
  )
}

function notReady(
  bucketName: string,
  probes: number,
  maxWaitMs: number,
  streak: number,
  lastRefusal: unknown,
) {
  const lastAnswer =
    lastRefusal === undefined
      ? `it worked only ${streak} times in a row`
      : `last answer: ${describeAwsError(lastRefusal)}`
  return new KeyNotReadyError(
    `S3 did not yet accept the new access key for bucket ${bucketName} after ` +
      `${Math.round(maxWaitMs / 1000)} s and ${probes} attempts (${lastAnswer}). ` +
      `IAM can take a while to propagate a new key; try again later.`,
    probes,
    {cause: lastRefusal},
  )
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
