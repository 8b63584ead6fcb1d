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

/**
 * A value someone sent, shortened to quote it back in a message: a refusal's message is
 * answered and stored, and should not grow with what it refuses.
 */
export function excerpt(text: string, max = 60): string {
  if (text.length <= max) return text

  // Never end on half of a character outside the Basic Multilingual Plane.
  return `${text.slice(0, max).replace(/[\uD800-\uDBFF]$/, '')}…`
}

/** The first `max` problems, joined into one sentence, and how many more there are. */
export function someProblems(problems: string[], max = 10): string {
  const shown = problems.slice(0, max).join('; ')
  const more = problems.length - max
  return more > 0 ? `${shown}; and ${more} more problem${more === 1 ? '' : 's'}` : shown
}
