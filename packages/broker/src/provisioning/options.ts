import {isValidBucketName} from '../aws/bucket-name.js'
import type {BucketSettings} from '../aws/bucket-settings.js'
import {BrokerError, excerpt, someProblems} from '../errors.js'
import type {Plan} from '../plans/catalogue.js'
import {supportedRegions} from './region.js'

/**
 * What `heroku addons:create byo-s3 -- --name value` (or `options` in app.json) may set. Heroku
 * passes every value as a string, and a bare flag as "true".
 */
export interface AddonOptions {
  region?: string
  versioning?: boolean
  corsOrigins?: string[]
  publicPrefix?: string | null
  noncurrentExpiryDays?: number
  abortMultipartDays?: number
  kmsKeyArn?: string
  bucket?: string
}

interface OptionSpec {
  key: keyof AddonOptions
  /** What the option takes, as the refusal of a bad value says it. */
  accepts: string
  /** The parsed value, or undefined when the text is not one the option takes. */
  parse: (text: string) => AddonOptions[keyof AddonOptions] | undefined
}

export const PUBLIC_PREFIX = 'public/'
const MAX_CORS_ORIGINS = 20
// Longer than any value an option takes: twenty long origins fit.
const MAX_OPTION_TEXT = 2048
const KMS_KEY_ARN =
  /^arn:aws:kms:([a-z0-9-]+):(\d{12}):key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/

const OPTION_SPECS: Record<string, OptionSpec> = {
  region: {
    key: 'region',
    accepts: `an AWS region: ${[...supportedRegions].join(', ')}`,
    parse: (text) => (supportedRegions.has(text) ? text : undefined),
  },
  versioning: {key: 'versioning', accepts: 'true or false', parse: parseBoolean},
  'cors-origins': {
    key: 'corsOrigins',
    accepts: `up to ${MAX_CORS_ORIGINS} comma-separated origins such as https://shop.example,http://localhost:3000`,
    parse: parseOrigins,
  },
  'public-prefix': {
    key: 'publicPrefix',
    accepts: `true (anyone may read objects under ${PUBLIC_PREFIX}) or false`,
    parse: (text) => {
      const on = parseBoolean(text)
      return on === undefined ? undefined : on ? PUBLIC_PREFIX : null
    },
  },
  'noncurrent-expiry-days': {
    key: 'noncurrentExpiryDays',
    accepts: 'a whole number of days from 1 to 3650',
    parse: (text) => parseDays(text, 3650),
  },
  'abort-multipart-days': {
    key: 'abortMultipartDays',
    accepts: 'a whole number of days from 1 to 365',
    parse: (text) => parseDays(text, 365),
  },
  'kms-key-arn': {
    key: 'kmsKeyArn',
    accepts: 'the ARN of a KMS key, arn:aws:kms:<region>:<account>:key/<key id>',
    parse: (text) => (KMS_KEY_ARN.test(text) ? text : undefined),
  },
  bucket: {
    key: 'bucket',
    accepts: 'the name of an existing S3 bucket of the linked AWS account',
    parse: (text) => (isValidBucketName(text) ? text : undefined),
  },
}

export const OPTION_NAMES = Object.keys(OPTION_SPECS)

export function isOptionName(name: string): boolean {
  return Object.hasOwn(OPTION_SPECS, name)
}

/**
 * Checks every option and returns them parsed, with their texts as given (trimmed), which is
 * what the resource row keeps. Refuses an unknown option or a bad value with one 422 naming
 * the problems (the first ten, and how many more) and what is accepted instead.
 */
export function parseOptions(raw: unknown): {texts: Record<string, string>; parsed: AddonOptions} {
  const entries = Object.entries(raw && typeof raw === 'object' ? raw : {})
  const texts: Record<string, string> = {}
  const parsed: Record<string, unknown> = {}
  const problems: string[] = []
  for (const [name, value] of entries) {
    const spec = isOptionName(name) ? OPTION_SPECS[name] : undefined
    if (!spec) {
      problems.push(`byo-s3 has no option --${excerpt(name)}`)
      continue
    }

    const text = String(value ?? '').trim()
    const result = text.length > MAX_OPTION_TEXT ? undefined : spec.parse(text)
    if (result === undefined) {
      problems.push(`--${name} takes ${spec.accepts}, not "${excerpt(text)}"`)
      continue
    }

    texts[name] = text
    parsed[spec.key] = result
  }

  if (problems.length > 0) {
    throw new BrokerError(
      422,
      'invalid_option',
      `${someProblems(problems)}. byo-s3 accepts ${acceptedOptions()}.`,
    )
  }

  return {texts, parsed: parsed as AddonOptions}
}

/** The plan's settings with the options' values in their place. */
export function settingsFor(plan: Plan, options: AddonOptions): BucketSettings {
  const {settings} = plan
  return {
    versioning: options.versioning ?? settings.versioning,
    noncurrentExpiryDays: options.noncurrentExpiryDays ?? settings.noncurrentExpiryDays,
    abortMultipartDays: options.abortMultipartDays ?? settings.abortMultipartDays,
    corsOrigins: options.corsOrigins ?? settings.corsOrigins,
    publicPrefix: options.publicPrefix === undefined ? settings.publicPrefix : options.publicPrefix,
    kmsKeyArn: options.kmsKeyArn ?? settings.kmsKeyArn,
  }
}

/** The region and account a KMS key ARN names. */
export function kmsKeyPlace(arn: string): {region: string; accountId: string} {
  const [, region, accountId] = KMS_KEY_ARN.exec(arn) ?? []
  return {region, accountId}
}

function acceptedOptions(): string {
  return Object.entries(OPTION_SPECS)
    .map(([name, {accepts}]) => `--${name} (${accepts})`)
    .join(', ')
}

function parseBoolean(text: string): boolean | undefined {
  const lower = text.toLowerCase()
  if (lower === 'true') return true
  if (lower === 'false') return false
  return undefined
}

function parseDays(text: string, max: number): number | undefined {
  if (!/^\d{1,4}$/.test(text)) return undefined

  const days = Number(text)
  return days >= 1 && days <= max ? days : undefined
}

/** Origins exactly as a browser sends them: scheme, host and port only, no path or wildcard. */
function parseOrigins(text: string): string[] | undefined {
  const candidates = text.split(',').map((origin) => origin.trim())
  if (candidates.length === 0 || candidates.length > MAX_CORS_ORIGINS) return undefined

  const origins: string[] = []
  for (const candidate of candidates) {
    const origin = originOf(candidate)
    if (origin === undefined) return undefined
    if (!origins.includes(origin)) origins.push(origin)
  }

  return origins
}

// A scheme, a host name of DNS labels (or localhost), and an optional port: nothing a browser
// would not send as an Origin header.
const ORIGIN_PATTERN =
  /^https?:\/\/([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?\/?$/i

function originOf(text: string): string | undefined {
  if (!ORIGIN_PATTERN.test(text)) return undefined

  try {
    return new URL(text).origin
  } catch {
    return undefined
  }
}
