import {createHash} from 'node:crypto'

import {IAMClient} from '@aws-sdk/client-iam'
import {S3Client} from '@aws-sdk/client-s3'
import {STSClient} from '@aws-sdk/client-sts'
import {fromNodeProviderChain, fromTemporaryCredentials} from '@aws-sdk/credential-providers'
import {doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider} from '@smithy/core'

type AwsCredentialIdentityProvider = ReturnType<typeof fromNodeProviderChain>
type AwsCredentialIdentity = Awaited<ReturnType<AwsCredentialIdentityProvider>>

/** An access key pair: of the IAM identity a team linked, or of an app's own IAM user. */
export interface AwsKeyPair {
  readonly accessKeyId: string
  readonly secretAccessKey: string
}

/** A role in a team's account that the broker assumes with its own identity. */
export interface AwsRole {
  readonly roleArn: string
  /** The team's External ID, which the role's trust policy requires. */
  readonly externalId: string
  /** Shown in the team's CloudTrail, so it names byo-s3 and the team. */
  readonly sessionName: string
}

/** How the broker reaches an AWS account: with a key pair, or by assuming a role. */
export type AwsCredentials = AwsKeyPair | AwsRole

export interface AwsSettings {
  endpoints: {s3?: string; iam?: string; sts?: string}
  forcePathStyle: boolean
  timeoutMs?: number
  maxAttempts?: number
  /** The broker's own identity, which assumes teams' roles; the SDK's default chain when unset. */
  brokerCredentials?: AwsCredentialIdentityProvider
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
  /**
   * The role's session credentials: assumed now, or the cached session while it has more than
   * five minutes left. Every client of the role shares that one session.
   */
  assumeRole(role: AwsRole): Promise<AwsCredentialIdentity>
  /** STS as the broker itself, never as a team: for its own identity and for trust checks. */
  brokerSts(): STSClient
  destroy(): void
}

const DEFAULT_TIMEOUT_MS = 10_000
const DEFAULT_MAX_ATTEMPTS = 3
// IAM is global and STS is called only for GetCallerIdentity and AssumeRole; both are signed for
// us-east-1.
const GLOBAL_REGION = 'us-east-1'
const MAX_CACHED_CLIENTS = 200
// An hour is the longest session every role allows without raising its maximum.
const ROLE_SESSION_SECONDS = 3600

type AwsClient = S3Client | IAMClient | STSClient

/**
 * Builds SDK clients that use only the credentials handed to them. A key pair is used as it is,
 * never the environment or the default provider chain, so one team's account can never be
 * reached with another's identity. A role is assumed with the broker's own identity (the only
 * thing that comes from the environment) and the team's External ID.
 */
export function createAwsClients(settings: AwsSettings): AwsClients {
  const cache = new Map<string, AwsClient>()
  const sessions = new Map<string, AwsCredentialIdentityProvider>()
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const brokerCredentials = settings.brokerCredentials ?? fromNodeProviderChain()
  const transport = {
    maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: timeoutMs,
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
    },
  }

  function baseConfig(credentials: AwsCredentials, region: string, endpoint: string | undefined) {
    return {
      region,
      credentials: isRole(credentials)
        ? roleSession(credentials)
        : {accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey},
      ...transport,
      ...(endpoint ? {endpoint} : {}),
    }
  }

  // fromTemporaryCredentials calls AssumeRole each time it is asked and leaves caching to the
  // client holding it; memoizing it here lets a team's S3, IAM and STS clients share one session,
  // renewed when less than five minutes of it are left.
  function roleSession(role: AwsRole): AwsCredentialIdentityProvider {
    const key = sessionKey(role)
    const hit = sessions.get(key)
    if (hit) return hit

    const provider = fromTemporaryCredentials({
      params: {
        RoleArn: role.roleArn,
        ExternalId: role.externalId,
        RoleSessionName: role.sessionName,
        DurationSeconds: ROLE_SESSION_SECONDS,
      },
      masterCredentials: brokerCredentials,
      clientConfig: {
        region: GLOBAL_REGION,
        ...transport,
        ...(settings.endpoints.sts ? {endpoint: settings.endpoints.sts} : {}),
      },
    })
    const session = memoizeIdentityProvider(
      provider,
      isIdentityExpired,
      doesIdentityRequireRefresh,
    )!
    sessions.set(key, session)
    while (sessions.size > MAX_CACHED_CLIENTS) sessions.delete(sessions.keys().next().value!)
    return session
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
    assumeRole: (role) => roleSession(role)(),
    brokerSts: () =>
      cached('sts:broker', () => {
        return new STSClient({
          region: GLOBAL_REGION,
          credentials: brokerCredentials,
          ...transport,
          ...(endpoints.sts ? {endpoint: endpoints.sts} : {}),
        })
      }),
    destroy() {
      for (const client of cache.values()) client.destroy()
      cache.clear()
      sessions.clear()
    },
  }
}

export function isRole(credentials: AwsCredentials): credentials is AwsRole {
  return 'roleArn' in credentials
}

function sessionKey(role: AwsRole): string {
  return [role.roleArn, role.externalId, role.sessionName].join('\0')
}

// Hashing keeps the secret out of the map's keys and avoids comparing secrets directly. A role's
// clients are keyed apart from any key pair's, by what selects its session.
function cacheKey(service: string, credentials: AwsCredentials, region: string): string {
  const parts = isRole(credentials)
    ? ['role', sessionKey(credentials)]
    : ['keys', credentials.accessKeyId, credentials.secretAccessKey]
  const identity = createHash('sha256').update(parts.join('\0')).digest('base64url')
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
