import {envSchema} from 'env-schema'
import {KeyRing} from '../crypto/key-ring.js'
import {environmentSchema, type Environment, requiredInProduction} from './schema.js'

export interface AwsSettings {
  endpoints: {s3?: string; iam?: string; sts?: string}
  forcePathStyle: boolean
  /** What teams' trust policies name; unset, the broker asks STS who it is. */
  brokerPrincipalArn?: string
}

export interface Config {
  production: boolean
  port: number
  /** Unset in local runs: the broker then starts an embedded PostgreSQL. */
  databaseUrl?: string
  addonId: string
  addonPassword: string
  ssoSalt: string
  oauthClientSecret: string
  keyRing: KeyRing
  herokuApiUrl: string
  herokuIdUrl: string
  aws: AwsSettings
  /** How long a rotated-out access key keeps working before it is deleted. */
  rotationOverlapMinutes: number
  /** The bearer token /metrics asks for; unset, metrics are off. */
  metricsToken?: string
  /** The OAuth client /admin signs users in with; unset, the page is off and says why. */
  adminOAuth?: {clientId: string; clientSecret: string}
  logLevel: string
}

export type LocalSecrets = Pick<
  Environment,
  'ADDON_PASSWORD' | 'SSO_SALT' | 'OAUTH_CLIENT_SECRET' | 'FERNET_KEYS'
>

export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`The broker's configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/**
 * Reads and validates the environment. In production every secret must be set; elsewhere the
 * missing ones come from `localSecrets` (generated once and kept under .data/).
 */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  localSecrets: () => LocalSecrets = () => {
    throw new ConfigError(['local secrets were not provided'])
  },
): Config {
  const vars = validate(env)
  const production = vars.NODE_ENV === 'production'
  const missing = requiredInProduction.filter((name) => !vars[name])
  if (production && missing.length > 0) {
    throw new ConfigError(missing.map((name) => `${name} is required when NODE_ENV=production`))
  }

  const {ADMIN_OAUTH_CLIENT_ID: clientId, ADMIN_OAUTH_CLIENT_SECRET: clientSecret} = vars
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    throw new ConfigError([
      'ADMIN_OAUTH_CLIENT_ID and ADMIN_OAUTH_CLIENT_SECRET go together: set both, or neither',
    ])
  }

  const given = definedOnly(vars)
  const secrets = Object.keys(given).length < 4 ? {...localSecrets(), ...given} : given
  return {
    production,
    port: vars.PORT,
    databaseUrl: vars.DATABASE_URL,
    addonId: vars.ADDON_ID,
    addonPassword: secrets.ADDON_PASSWORD!,
    ssoSalt: secrets.SSO_SALT!,
    oauthClientSecret: secrets.OAUTH_CLIENT_SECRET!,
    keyRing: parseKeyRing(secrets.FERNET_KEYS!),
    herokuApiUrl: trimSlash(vars.HEROKU_API_URL),
    herokuIdUrl: trimSlash(vars.HEROKU_ID_URL),
    aws: {
      endpoints: {
        s3: vars.AWS_ENDPOINT_URL_S3 ?? vars.AWS_ENDPOINT_URL,
        iam: vars.AWS_ENDPOINT_URL_IAM ?? vars.AWS_ENDPOINT_URL,
        sts: vars.AWS_ENDPOINT_URL_STS ?? vars.AWS_ENDPOINT_URL,
      },
      forcePathStyle: vars.S3_FORCE_PATH_STYLE,
      brokerPrincipalArn: vars.BROKER_AWS_PRINCIPAL_ARN,
    },
    rotationOverlapMinutes: vars.ROTATION_OVERLAP_MINUTES,
    metricsToken: vars.METRICS_TOKEN,
    adminOAuth: clientId && clientSecret ? {clientId, clientSecret} : undefined,
    logLevel: vars.LOG_LEVEL,
  }
}

function validate(env: NodeJS.ProcessEnv): Environment {
  // Empty strings count as unset, as they do for most twelve-factor apps.
  const data = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''))
  try {
    return envSchema<Environment>({schema: structuredClone(environmentSchema), data, env: false})
  } catch (error) {
    const details = (error as {errors?: {instancePath: string; message?: string}[]}).errors
    if (!details) throw error
    throw new ConfigError(
      details.map((detail) => `${detail.instancePath.slice(1)} ${detail.message ?? 'is invalid'}`),
    )
  }
}

function parseKeyRing(list: string): KeyRing {
  try {
    return KeyRing.parse(list)
  } catch (error) {
    throw new ConfigError([`FERNET_KEYS: ${(error as Error).message}`])
  }
}

function definedOnly(vars: Environment): Partial<LocalSecrets> {
  const {ADDON_PASSWORD, SSO_SALT, OAUTH_CLIENT_SECRET, FERNET_KEYS} = vars
  return Object.fromEntries(
    Object.entries({ADDON_PASSWORD, SSO_SALT, OAUTH_CLIENT_SECRET, FERNET_KEYS}).filter(
      ([, value]) => value !== undefined,
    ),
  )
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}
