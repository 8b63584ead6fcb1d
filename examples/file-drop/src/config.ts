/** The four config vars the byo-s3 add-on sets on the app, and nothing else from it. */
export const ADDON_VARS = [
  'BYO_S3_BUCKET_NAME',
  'BYO_S3_AWS_ACCESS_KEY_ID',
  'BYO_S3_AWS_SECRET_ACCESS_KEY',
  'BYO_S3_AWS_REGION',
] as const

export const FIX_COMMAND = 'heroku addons:create byo-s3'

export interface BucketConfig {
  bucket: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  /** Only for S3-compatible servers and tests: the SDK's own variable, AWS_ENDPOINT_URL_S3. */
  endpoint?: string
  /** Only for servers without virtual-host buckets (S3_FORCE_PATH_STYLE=true). */
  forcePathStyle: boolean
}

export type ConfigResult = {ok: true; config: BucketConfig} | {ok: false; missing: string[]}

/**
 * Reads the add-on's config vars. A missing one is not fatal: the app still starts and its page
 * says what is missing, which is easier to act on than a crashed dyno.
 */
export function readConfig(env: NodeJS.ProcessEnv): ConfigResult {
  const missing = ADDON_VARS.filter((name) => !env[name]?.trim())
  if (missing.length > 0) return {ok: false, missing}

  return {
    ok: true,
    config: {
      bucket: env.BYO_S3_BUCKET_NAME!.trim(),
      region: env.BYO_S3_AWS_REGION!.trim(),
      accessKeyId: env.BYO_S3_AWS_ACCESS_KEY_ID!.trim(),
      secretAccessKey: env.BYO_S3_AWS_SECRET_ACCESS_KEY!.trim(),
      endpoint: env.AWS_ENDPOINT_URL_S3?.trim() || undefined,
      forcePathStyle: env.S3_FORCE_PATH_STYLE?.trim().toLowerCase() === 'true',
    },
  }
}

/** One sentence for the page and the log, naming the variables and the command that sets them. */
export function missingConfigMessage(missing: string[]): string {
  return (
    `The app is missing the config var${missing.length === 1 ? '' : 's'} ${missing.join(', ')}, ` +
    `which the byo-s3 add-on sets. Add the add-on with \`${FIX_COMMAND} -a <app>\` ` +
    '(the app must belong to a team linked with `heroku byo-s3:link --team <team>`); ' +
    'Heroku restarts the app with them.'
  )
}
