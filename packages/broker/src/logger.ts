import pino, {type DestinationStream, type Logger} from 'pino'

/**
 * Backstop paths for pino's redaction. Secrets are never logged on purpose; these catch one that
 * slips into a logged object anyway. Redaction is shallow, so each level is listed.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-addon-sso"]',
  'headers.authorization',
  '*.password',
  '*.secretAccessKey',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  '*.resource_token',
  'oauth_grant.code',
  '*.oauth_grant.code',
  'secretAccessKey',
  'accessToken',
  'refreshToken',
  'password',
  'resource_token',
]

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      name: 'byo-s3',
      redact: {paths: redactedPaths, censor: '[redacted]'},
      // Fastify's own request serializer gives way to this one: see requestOf.
      serializers: {err: serializeError, req: requestOf},
    },
    destination,
  )
}

interface LoggedRequest {
  method: string
  url: string
  host?: string
  ip?: string
  socket?: {remotePort?: number}
}

/**
 * Fastify's request fields, less what a query may carry that grants access: the one-time code
 * and the state Heroku's OAuth web flow sends back to /admin/auth/callback.
 */
function requestOf(request: LoggedRequest): object {
  return {
    method: request.method,
    url: request.url?.replace(/([?&](?:code|state)=)[^&#]*/g, '$1[redacted]'),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  }
}

/**
 * pino's own error serializer, less the objects some libraries hang on their errors: pg attaches
 * the whole client (connection settings included) to connection errors.
 */
function serializeError(error: Error): object {
  const serialized: Record<string, unknown> = pino.stdSerializers.err(error)
  for (const key of ['client', 'config', 'request', 'response', '$response']) delete serialized[key]
  return serialized
}
