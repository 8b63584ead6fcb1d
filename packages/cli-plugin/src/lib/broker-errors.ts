import {ByoS3Error, ExitCode} from './errors.js'

/** The broker could not reach Heroku or AWS, or a router in front of it found it unavailable. */
const UPSTREAM = new Set([502, 503, 504])

/**
 * Turns a broker reply that is not a success into a one-line error. The broker's own sentence
 * wins; the fallbacks cover replies from something that is not the broker (a proxy, a router).
 */
export function errorFromResponse(status: number, text: string, baseUrl: string): ByoS3Error {
  const {id, message} = parseErrorBody(text)
  const exit = exitCodeFor(status)
  if (message) return new ByoS3Error(message, exit, id)
  if (status >= 300 && status < 400) {
    return new ByoS3Error(
      `The byo-s3 broker at ${baseUrl} redirected the request (HTTP ${status}). Set BYO_S3_BROKER_URL to the broker's final address.`,
      exit,
      id,
    )
  }

  return new ByoS3Error(
    `The byo-s3 broker at ${baseUrl} answered HTTP ${status}${hintFor(status)}`,
    exit,
    id,
  )
}

export function unreachable(baseUrl: string, error: unknown, timeoutMs: number): ByoS3Error {
  return new ByoS3Error(
    `Could not reach the byo-s3 broker at ${baseUrl}: ${networkReason(error, timeoutMs)}. Check BYO_S3_BROKER_URL.`,
    ExitCode.unreachable,
  )
}

function exitCodeFor(status: number): ExitCode {
  if (status === 400) return ExitCode.usage
  if (status === 401 || status === 403) return ExitCode.unauthorised
  if (status === 404) return ExitCode.notFound
  if (status === 409 || status === 422) return ExitCode.refused
  if (UPSTREAM.has(status)) return ExitCode.upstream
  return ExitCode.generic
}

function hintFor(status: number): string {
  if (status === 401) return '. Run heroku login and try again.'
  if (status === 403) return '. Ask an admin of the team to run this command.'
  if (status === 404) return '. Check the team name and BYO_S3_BROKER_URL.'
  if (UPSTREAM.has(status)) return '. Try again in a few minutes.'
  if (status >= 500) return ". Try again, and if it keeps failing, contact the broker's operator."
  return '. Check the command and try again.'
}

function parseErrorBody(text: string): {id?: string; message?: string} {
  try {
    const body = JSON.parse(text)
    return {
      id: typeof body?.id === 'string' ? body.id : undefined,
      message:
        typeof body?.message === 'string' && body.message.trim() ? body.message.trim() : undefined,
    }
  } catch {
    return {}
  }
}

function networkReason(error: unknown, timeoutMs: number): string {
  const {cause, message, name} = (error ?? {}) as {cause?: unknown; message?: string; name?: string}
  if (name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} seconds`

  const detail = (cause ?? error) as {code?: string; message?: string} | undefined
  return detail?.message || detail?.code || message || String(error)
}
