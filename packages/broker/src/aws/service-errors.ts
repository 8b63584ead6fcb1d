// Classify AWS failures by error code and HTTP status, never by message text (AWS rewords it).

import {BrokerError} from '../errors.js'

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
])

type AwsErrorShape = {
  name?: unknown
  Code?: unknown
  code?: unknown
  $metadata?: {httpStatusCode?: unknown}
}

/**
 * The error code AWS sent, as its documentation spells it, or Node's code for a network failure.
 * Query services (IAM, STS) carry it in `Code`, while the SDK names their modelled errors
 * differently (`NoSuchEntityException`).
 */
export function awsErrorCode(error: unknown): string | undefined {
  const {Code, code, name} = (error ?? {}) as AwsErrorShape
  for (const candidate of [Code, code, name]) if (typeof candidate === 'string') return candidate

  return undefined
}

export function httpStatusOf(error: unknown): number | undefined {
  const status = (error as AwsErrorShape | undefined)?.$metadata?.httpStatusCode
  return typeof status === 'number' ? status : undefined
}

export function isAwsError(error: unknown, ...codes: string[]): boolean {
  const {name} = (error ?? {}) as AwsErrorShape
  const code = awsErrorCode(error)
  return (
    (code !== undefined && codes.includes(code)) ||
    (typeof name === 'string' && codes.includes(name))
  )
}

/** AWS never answered (network failure, timeout) or answered with a server-side failure. */
export function isAwsUnavailable(error: unknown): boolean {
  const status = httpStatusOf(error)
  if (status !== undefined) return status >= 500

  const {name, code} = (error ?? {}) as AwsErrorShape
  return name === 'TimeoutError' || (typeof code === 'string' && NETWORK_ERROR_CODES.has(code))
}

const THROTTLING_CODES = [
  'Throttling',
  'ThrottlingException',
  'SlowDown',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]

const TIMEOUT_CODES = ['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']

// Server-side failures reported without an HTTP status, e.g. per-key errors of DeleteObjects.
const SERVER_FAILURE_CODES = ['InternalError', 'InternalFailure', 'ServiceUnavailable']

// OperationAborted: a conflicting operation on the same bucket is in flight. The IAM codes come
// from a user or policy changed a moment ago and clear once the change has propagated.
const IN_FLIGHT_CODES = [
  'OperationAborted',
  'ConcurrentModification',
  'EntityTemporarilyUnmodifiable',
]

const TRANSIENT_CODES = [
  ...THROTTLING_CODES,
  ...TIMEOUT_CODES,
  ...SERVER_FAILURE_CODES,
  ...IN_FLIGHT_CODES,
]

const MAX_DESCRIPTION_LENGTH = 300

/**
 * Whether the same call may succeed if tried again later: throttling, a server-side failure, a
 * timeout or network failure, or a conflicting change still in flight. Everything else, such as
 * AccessDenied or InvalidAccessKeyId on the linked credentials, a quota, or a malformed request,
 * needs someone to change something first. `NoSuchEntity` is permanent here even though a
 * just-created IAM user may briefly be reported missing: only the caller knows it just made one.
 */
export function isTransientAwsError(error: unknown): boolean {
  if (error instanceof BrokerError) return error.status >= 500 && isTransientAwsError(error.cause)
  if (isKeyNotReady(error)) return true
  if (isAwsError(error, ...TRANSIENT_CODES)) return true

  const status = httpStatusOf(error)
  if (status !== undefined) return status >= 500 || status === 429

  return isAwsUnavailable(error) || isSocketHangUp(error)
}

// Matched by name: the class lives with the readiness probe, which imports this module.
function isKeyNotReady(error: unknown): boolean {
  return (error as {name?: unknown} | undefined)?.name === 'KeyNotReadyError'
}

// Node reports a server closing the connection mid-request as "socket hang up", sometimes
// without an error code; the text is Node's own, not AWS's.
function isSocketHangUp(error: unknown): boolean {
  return error instanceof Error && error.message.toLowerCase().includes('socket hang up')
}

/**
 * A short reason fit for logs and for the message a user sees, such as
 * `AccessDenied: User arn:aws:iam::111122223333:user/linker is not authorized to perform
 * s3:CreateBucket`. AWS messages carry no secrets; the text is still capped, and whitespace
 * collapsed, so one reply cannot flood a log line.
 */
export function describeAwsError(error: unknown): string {
  const message = messageOf(error)
  // These already carry a whole sentence meant for people.
  if (error instanceof BrokerError || isKeyNotReady(error)) {
    return truncate(message, MAX_DESCRIPTION_LENGTH)
  }

  const code = awsErrorCode(error) ?? 'Error'
  const status = httpStatusOf(error)
  // S3 replies to HEAD requests without a body, so the SDK has neither code nor message to show.
  const hasOwnMessage = message !== '' && message !== code && message !== 'UnknownError'
  const description = hasOwnMessage
    ? `${code}: ${message}`
    : `${code}${status === undefined ? '' : ` (HTTP ${status})`}`
  return truncate(description, MAX_DESCRIPTION_LENGTH)
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : ''
  return text.replace(/\s+/g, ' ').trim()
}

function truncate(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`
}
