/**
 * The one error type the broker's edges understand. `status` is the HTTP status to answer with,
 * `id` a stable machine-readable code, and `message` a sentence that tells the reader what to do
 * next. Anything else thrown on a request path is answered as a generic 500.
 */
export class BrokerError extends Error {
  readonly status: number
  readonly id: string

  constructor(status: number, id: string, message: string, options?: {cause?: unknown}) {
    super(message, options)
    this.name = 'BrokerError'
    this.status = status
    this.id = id
  }
}

export function isBrokerError(error: unknown): error is BrokerError {
  return error instanceof BrokerError
}
