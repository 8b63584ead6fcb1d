import {randomBytes} from 'node:crypto'

const PREFIX = 'byo-s3-'
const HINT_MAX_LENGTH = 20
const RANDOM_LENGTH = 12
const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-']
// `-an` belongs to the account-regional namespace; the broker names buckets in the global one.
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3', '-an']

/** Twelve characters of lower-case base32 from a CSPRNG: 60 bits, unguessable. */
export function cryptoRandom(): string {
  // 256 is a multiple of 32, so taking the low five bits keeps every letter equally likely.
  return Array.from(randomBytes(RANDOM_LENGTH), (byte) => BASE32_ALPHABET[byte & 31]).join('')
}

/**
 * `byo-s3-<hint>-<random>`. The hint (usually the app name) is cosmetic: app names change, and it
 * appears in DNS and logs, so it must never carry anything secret.
 */
export function bucketNameFor(hint: string, random: () => string = cryptoRandom): string {
  const cleanHint = bucketHint(hint)
  const name = cleanHint ? `${PREFIX}${cleanHint}-${random()}` : `${PREFIX}${random()}`
  if (!isValidBucketName(name)) throw new Error(`Generated bucket name ${name} breaks S3 rules`)

  return name
}

export function bucketHint(hint: string): string {
  const reduced = trimHyphens(
    hint
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-{2,}/g, '-'),
  )
  return trimHyphens(reduced.slice(0, HINT_MAX_LENGTH))
}

/** The naming rules of S3 general purpose buckets in the global namespace. */
export function isValidBucketName(name: string): boolean {
  return (
    name.length >= 3 &&
    name.length <= 63 &&
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d{1,3}(\.\d{1,3}){3}$/.test(name) &&
    !RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix)) &&
    !RESERVED_SUFFIXES.some((suffix) => name.endsWith(suffix))
  )
}

function trimHyphens(value: string): string {
  return value.replace(/^-+|-+$/g, '')
}
