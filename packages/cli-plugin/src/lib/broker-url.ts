import {ByoS3Error, ExitCode} from './errors.js'

export const DEFAULT_BROKER_URL = 'https://byo-s3.herokuapp.com'

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * The broker's base URL, without a trailing slash. The user's Heroku token goes there, so plain
 * http is accepted only for a broker on this machine.
 */
export function brokerUrl(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.BYO_S3_BROKER_URL?.trim() || DEFAULT_BROKER_URL
  const url = parse(raw)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname))) {
    throw new ByoS3Error(
      `BYO_S3_BROKER_URL must be an https URL (http only for localhost), not ${raw}. Fix the variable and try again.`,
      ExitCode.usage,
    )
  }

  return url.href.replace(/\/+$/, '')
}

function parse(raw: string): URL {
  try {
    return new URL(raw)
  } catch {
    throw new ByoS3Error(
      `BYO_S3_BROKER_URL is not a valid URL: ${raw}. Set it to the broker's address, such as ${DEFAULT_BROKER_URL}.`,
      ExitCode.usage,
    )
  }
}
