// Classify AWS failures by error code and HTTP status, never by message text (AWS rewords it).

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
