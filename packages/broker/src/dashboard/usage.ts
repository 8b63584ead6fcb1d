import type {FastifyBaseLogger} from 'fastify'
import {bucketUsage} from '../aws/bucket-usage.js'
import {awsErrorCode, isAwsUnavailable} from '../aws/service-errors.js'
import {InvalidTokenError} from '../crypto/fernet-token.js'
import type {Services} from '../services.js'
import type {Resource} from '../storage/resources.js'

/** At most 10 ListObjectsV2 pages (10,000 objects) per page view. */
export const MAX_PAGES = 10
/** Heroku's router gives up at 30 s; the page must be sent well before. */
const TIMEOUT_MS = 8_000

export type UsageView =
  | {kind: 'counted'; objects: number; bytes: number; complete: boolean}
  | {kind: 'unavailable'; reason: string}
  | {kind: 'not-yet'}

/**
 * How many objects the bucket holds and their total size, read with the app's own key, so the
 * page shows what the app itself can see. Any failure becomes a sentence for the page.
 */
export async function usageOf(
  services: Services,
  addon: Resource,
  log: FastifyBaseLogger,
): Promise<UsageView> {
  const {bucketName, region, appAccessKeyId, appSecretAccessKeySealed} = addon
  if (!bucketName || !region || !appAccessKeyId || !appSecretAccessKeySealed) {
    return {kind: 'not-yet'}
  }

  try {
    const credentials = {
      accessKeyId: appAccessKeyId,
      secretAccessKey: services.config.keyRing.unseal(appSecretAccessKeySealed),
    }
    const s3 = services.aws.s3(credentials, region)
    const usage = await bucketUsage(s3, bucketName, {
      maxPages: MAX_PAGES,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
    return {kind: 'counted', ...usage}
  } catch (error) {
    if (error instanceof InvalidTokenError) {
      log.error({addonId: addon.id}, 'no key in FERNET_KEYS opens the add-on’s stored secret')
      return {kind: 'unavailable', reason: UNSEALABLE}
    }

    const code = awsErrorCode(error)
    log.warn({addonId: addon.id, code}, 'could not count the bucket’s objects')
    return {kind: 'unavailable', reason: reasonFor(error, code)}
  }
}

const UNSEALABLE =
  'byo-s3 cannot open the add-on’s stored key: FERNET_KEYS no longer holds the key it was sealed with, so the objects could not be counted. The broker’s operator should put that key back in FERNET_KEYS (see “Rotating the broker’s Fernet key” in the README).'

function reasonFor(error: unknown, code: string | undefined): string {
  if (isAwsUnavailable(error) || code === 'AbortError') {
    return 'S3 did not answer in time, so the objects could not be counted. Reload to try again.'
  }

  return `S3 refused to list the bucket with the app’s key (${code ?? 'unknown error'}), so the objects could not be counted.`
}
