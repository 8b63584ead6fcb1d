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
  '*.code',
  'secretAccessKey',
  'accessToken',
  'refreshToken',
  'password',
]

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      name: 'byo-s3',
      redact: {paths: redactedPaths, censor: '[redacted]'},
    },
    destination,
  )
}
