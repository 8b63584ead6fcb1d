import {createHash} from 'node:crypto'

import {IAMClient} from '@aws-sdk/client-iam'
import {S3Client} from '@aws-sdk/client-s3'
import {STSClient} from '@aws-sdk/client-sts'

/** An access key pair of the IAM identity a team linked. */
export interface AwsCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
}

export interface AwsSettings {
  endpoints: {s3?: string; iam?: string; sts?: string}
  forcePathStyle: boolean
  timeoutMs?: number
  maxAttempts?: number
  /** Told of every call the clients make, for metrics. */
  observeCall?: AwsCallObserver
}

/** One SDK call, retries included: its service, operation, how long it took and how it failed. */
export interface AwsCall {
  service: string
  operation: string
  seconds: number
  /** The AWS error code (`AccessDenied`, `NoSuchBucket`) or the SDK's error name; unset on success. */
  error?: string
}

export type AwsCallObserver = (call: AwsCall) => void

export interface AwsClients {
  s3(credentials: AwsCredentials, region: string): S3Client
  iam(credentials: AwsCredentials): IAMClient
  sts(credentials: AwsCredentials): STSClient
  destroy(): void
}

const DEFAULT_TIMEOUT_MS = 10_000
const DEFAULT_MAX_ATTEMPTS = 3
// IAM is global and STS is called only for GetCallerIdentity; both are signed for us-east-1.
const GLOBAL_REGION = 'us-east-1'
const MAX_CACHED_CLIENTS = 200

type AwsClient = S3Client | IAMClient | STSClient

/**
 * Builds SDK clients that use only the credentials handed to them, never the environment or the
 * default provider chain, so one team's account can never be reached with another's identity.
 */
export function createAwsClients(settings: AwsSettings): AwsClients {
  const cache = new Map<string, AwsClient>()
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS

  function baseConfig(credentials: AwsCredentials, region: string, endpoint: string | undefined) {
    return {
      region,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
      },
      maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      requestHandler: {
        connectionTimeout: timeoutMs,
        requestTimeout: timeoutMs,
        throwOnRequestTimeout: true,
      },
      ...(endpoint ? {endpoint} : {}),
    }
  }

  function cached<T extends AwsClient>(key: string, build: () => T): T {
    const hit = cache.get(key)
    if (hit) {
      cache.delete(key)
      cache.set(key, hit)
      return hit as T
    }

    const client = build()
    if (settings.observeCall) observeCalls(client, settings.observeCall)
    cache.set(key, client)
    evictOldest()
    return client
  }

  // An evicted client is not destroyed: a job may still be using it, and its idle sockets are
  // closed by the server in time.
  function evictOldest() {
    while (cache.size > MAX_CACHED_CLIENTS) {
      const [oldestKey] = cache.keys()
      cache.delete(oldestKey)
    }
  }

  const {endpoints} = settings

  return {
    s3: (credentials, region) =>
      cached(cacheKey('s3', credentials, region), () => {
        const config = baseConfig(credentials, region, endpoints.s3)
        return new S3Client({...config, forcePathStyle: settings.forcePathStyle})
      }),
    iam: (credentials) =>
      cached(cacheKey('iam', credentials, GLOBAL_REGION), () => {
        return new IAMClient(baseConfig(credentials, GLOBAL_REGION, endpoints.iam))
      }),
    sts: (credentials) =>
      cached(cacheKey('sts', credentials, GLOBAL_REGION), () => {
        return new STSClient(baseConfig(credentials, GLOBAL_REGION, endpoints.sts))
      }),
    destroy() {
      for (const client of cache.values()) client.destroy()
      cache.clear()
    },
  }
}

// Hashing keeps the secret out of the map's keys and avoids comparing secrets directly.
function cacheKey(service: string, credentials: AwsCredentials, region: string): string {
  const identity = createHash('sha256')
    .update(credentials.accessKeyId)
    .update('\0')
    .update(credentials.secretAccessKey)
    .digest('base64url')
  return `${service}:${region}:${identity}`
}

type MiddlewareStackLike = {
  add(
    middleware: (
      next: (args: object) => Promise<object>,
      context: {clientName?: string; commandName?: string},
    ) => (args: object) => Promise<object>,
    options: {step: 'initialize'; name: string},
  ): void
}

/**
 * Reports each call to `observe` once, however many attempts the SDK's retries made: the
 * initialize step runs before the retry loop and sees the final outcome.
 */
function observeCalls(client: AwsClient, observe: AwsCallObserver): void {
  const middleware =
    (
      next: (args: object) => Promise<object>,
      context: {clientName?: string; commandName?: string},
    ) =>
    async (args: object) => {
      const service = (context.clientName ?? 'unknown').replace(/Client$/, '').toLowerCase()
      const operation = (context.commandName ?? 'unknown').replace(/Command$/, '')
      const started = performance.now()
      const seconds = () => (performance.now() - started) / 1000
      try {
        const result = await next(args)
        observe({service, operation, seconds: seconds()})
        return result
      } catch (error) {
        const {name, Code} = (error ?? {}) as {name?: string; Code?: string}
        observe({service, operation, seconds: seconds(), error: Code ?? name ?? 'Error'})
        throw error
      }
    }
  // Each client's stack is typed by its own commands; this middleware passes any of them through.
  ;(client.middlewareStack as unknown as MiddlewareStackLike).add(middleware, {
    step: 'initialize',
    name: 'byoS3CallMetrics',
  })
}
