import {randomBytes} from 'node:crypto'

/** Every bucket's name starts with this unless the team chose another prefix. */
export const DEFAULT_BUCKET_PREFIX = 'byo-s3'
const PREFIX_MAX_LENGTH = 20
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
 * `<prefix>-<hint>-<random>`, `byo-s3-shop-k3m9q2…` by default. The hint (usually the app name) is
 * cosmetic: app names change, and it appears in DNS and logs, so it must never carry anything
 * secret. A team's own prefix lets its AWS policy scope S3 rights to `arn:aws:s3:::<prefix>-*`.
 */
export function bucketNameFor(
  hint: string,
  {
    prefix = DEFAULT_BUCKET_PREFIX,
    random = cryptoRandom,
  }: {prefix?: string; random?: () => string} = {},
): string {
  const cleanHint = bucketHint(hint)
  const name = cleanHint ? `${prefix}-${cleanHint}-${random()}` : `${prefix}-${random()}`
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

/**
 * Why a team's bucket prefix cannot be used, or null when it can: 3 to 20 lower-case letters,
 * digits and single hyphens, starting with a letter, so that every name made from it is valid.
 */
export function bucketPrefixProblem(prefix: string): string | null {
  if (prefix.length < 3 || prefix.length > PREFIX_MAX_LENGTH) {
    return `must be 3 to ${PREFIX_MAX_LENGTH} characters long`
  }
  if (!/^[a-z][a-z0-9-]*[a-z0-9]$/.test(prefix) || prefix.includes('--')) {
    return 'may hold only lower-case letters, digits and single hyphens, starting with a letter and ending with a letter or digit'
  }
  if (RESERVED_PREFIXES.some((reserved) => `${prefix}-`.startsWith(reserved))) {
    return `must not start with ${RESERVED_PREFIXES.join(', ')}, which S3 reserves`
  }
  return null
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
