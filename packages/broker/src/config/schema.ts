/** The broker's environment contract, as a JSON schema that env-schema validates and coerces. */

const secret = {type: 'string', minLength: 16}
const httpUrl = {type: 'string', pattern: '^https?://[^\\s/]+'}

export const environmentSchema = {
  type: 'object',
  properties: {
    NODE_ENV: {type: 'string', default: 'development'},
    PORT: {type: 'integer', minimum: 1, maximum: 65535, default: 5000},
    DATABASE_URL: {type: 'string', pattern: '^postgres(ql)?://'},
    ADDON_ID: {type: 'string', pattern: '^[a-z][a-z0-9-]*$', default: 'byo-s3'},
    ADDON_PASSWORD: secret,
    SSO_SALT: secret,
    OAUTH_CLIENT_SECRET: {type: 'string', minLength: 1},
    FERNET_KEYS: {type: 'string', minLength: 43},
    HEROKU_API_URL: {...httpUrl, default: 'https://api.heroku.com'},
    HEROKU_ID_URL: {...httpUrl, default: 'https://id.heroku.com'},
    AWS_ENDPOINT_URL: httpUrl,
    AWS_ENDPOINT_URL_S3: httpUrl,
    AWS_ENDPOINT_URL_IAM: httpUrl,
    AWS_ENDPOINT_URL_STS: httpUrl,
    S3_FORCE_PATH_STYLE: {type: 'boolean', default: false},
    BROKER_AWS_PRINCIPAL_ARN: {
      type: 'string',
      pattern: '^arn:aws[a-z-]*:(iam::\\d{12}:(role|user)/[\\x21-\\x7e]+|iam::\\d{12}:root)$',
    },
    // Heroku asks partners to keep an old credential working for an hour or two after a change.
    ROTATION_OVERLAP_MINUTES: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 7 * 24 * 60,
      default: 60,
    },
    // Unset, the broker keeps no metrics and /metrics answers 404.
    METRICS_TOKEN: secret,
    // The /admin page's own Heroku OAuth client; unset, the page says how to register one.
    ADMIN_OAUTH_CLIENT_ID: {type: 'string', minLength: 1},
    ADMIN_OAUTH_CLIENT_SECRET: {type: 'string', minLength: 1},
    LOG_LEVEL: {
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
    },
  },
} as const

export interface Environment {
  NODE_ENV: string
  PORT: number
  DATABASE_URL?: string
  ADDON_ID: string
  ADDON_PASSWORD?: string
  SSO_SALT?: string
  OAUTH_CLIENT_SECRET?: string
  FERNET_KEYS?: string
  HEROKU_API_URL: string
  HEROKU_ID_URL: string
  AWS_ENDPOINT_URL?: string
  AWS_ENDPOINT_URL_S3?: string
  AWS_ENDPOINT_URL_IAM?: string
  AWS_ENDPOINT_URL_STS?: string
  S3_FORCE_PATH_STYLE: boolean
  BROKER_AWS_PRINCIPAL_ARN?: string
  ROTATION_OVERLAP_MINUTES: number
  METRICS_TOKEN?: string
  ADMIN_OAUTH_CLIENT_ID?: string
  ADMIN_OAUTH_CLIENT_SECRET?: string
  LOG_LEVEL: string
}

/** Secrets a production broker must be given; local runs generate them. */
export const requiredInProduction = [
  'DATABASE_URL',
  'ADDON_PASSWORD',
  'SSO_SALT',
  'OAUTH_CLIENT_SECRET',
  'FERNET_KEYS',
] as const
