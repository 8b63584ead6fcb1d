import {BrokerError} from '../errors.js'

const TIMEOUT_MS = 10_000

/** A non-2xx answer from Heroku; carries the status and Heroku's error id, never a token. */
export class HerokuApiError extends Error {
  constructor(
    readonly status: number,
    readonly herokuId: string | undefined,
    what: string,
  ) {
    super(`Heroku answered ${status}${herokuId ? ` (${herokuId})` : ''} to ${what}`)
    this.name = 'HerokuApiError'
  }
}

export interface HerokuRequest {
  method?: string
  url: string
  /** What the call does, for errors and logs: never includes the URL's query or a token. */
  what: string
  headers?: Record<string, string>
  body?: string
}

/**
 * One call to a Heroku host with a timeout. Retries are left to the callers that can afford
 * them: a request path must answer Heroku within seconds.
 */
export async function callHeroku<T>(request: HerokuRequest): Promise<T> {
  let response: Response
  try {
    response = await fetch(request.url, {
      method: request.method ?? 'GET',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
  } catch (error) {
    throw new BrokerError(
      502,
      'heroku_unreachable',
      `The byo-s3 broker could not reach Heroku to ${request.what}. Try again shortly.`,
      {
        cause: error,
      },
    )
  }

  const text = await response.text()
  const body = parseJson(text)
  if (!response.ok) {
    const herokuId = typeof body?.id === 'string' ? body.id : undefined
    throw new HerokuApiError(response.status, herokuId, request.what)
  }

  return body as T
}

function parseJson(text: string): Record<string, unknown> | undefined {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
