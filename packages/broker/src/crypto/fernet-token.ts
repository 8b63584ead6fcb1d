import {createDecipheriv, randomBytes} from 'node:crypto'
import fernet from 'fernet'

/**
 * One Fernet token operation over the `fernet` package, with the checks that package leaves out.
 *
 * The package verifies the version byte and the HMAC, but it reads the clock itself, accepts a
 * payload whose size is not a whole number of AES blocks, and strips PKCS#7 padding without
 * checking it (a bad pad decodes to garbage instead of failing). So the token's shape, its
 * timestamp and its padding are checked here, before and after the package decodes it.
 */

const VERSION = 0x80
const HEADER_BYTES = 1 + 8 + 16
const HMAC_BYTES = 32
const BLOCK_BYTES = 16
const MAX_CLOCK_SKEW_SECONDS = 60
const TOKEN_PATTERN = /^[A-Za-z0-9_-]+={0,2}$/

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(`Invalid Fernet token: ${reason}`)
    this.name = 'InvalidTokenError'
  }
}

export interface EncodeOptions {
  now?: Date
  iv?: number[]
}

export interface DecodeOptions {
  now?: Date
  /** Maximum age in seconds; 0 means the token never expires (secrets at rest). */
  ttlSeconds?: number
}

export function generateKey(): string {
  return randomBytes(32).toString('base64url') + '='
}

export function isValidKey(key: string): boolean {
  return TOKEN_PATTERN.test(key) && Buffer.from(key, 'base64url').length === 32
}

export function encodeToken(key: string, plaintext: string, options: EncodeOptions = {}): string {
  // The package writes a timestamp with milliseconds as a fractional hex number, which corrupts
  // the token, so it is only ever given whole seconds.
  const seconds = Math.floor((options.now ?? new Date()).getTime() / 1000)
  const token = new fernet.Token({
    secret: new fernet.Secret(key),
    time: new Date(seconds * 1000).toISOString(),
    iv: options.iv,
  })
  return token.encode(plaintext)
}

export function decodeToken(key: string, token: string, options: DecodeOptions = {}): string {
  const bytes = parseShape(token)
  checkTimestamp(bytes, options)

  let plaintext: string
  try {
    plaintext = new fernet.Token({secret: new fernet.Secret(key), token, ttl: 0}).decode()
  } catch {
    throw new InvalidTokenError('the signature does not match')
  }

  checkPadding(key, bytes)
  return plaintext
}

function parseShape(token: string): Buffer {
  if (!TOKEN_PATTERN.test(token)) throw new InvalidTokenError('not URL-safe base64')

  const bytes = Buffer.from(token, 'base64url')
  const payloadBytes = bytes.length - HEADER_BYTES - HMAC_BYTES
  if (payloadBytes < BLOCK_BYTES) throw new InvalidTokenError('too short')
  if (payloadBytes % BLOCK_BYTES !== 0) {
    throw new InvalidTokenError('payload size is not a multiple of the block size')
  }

  if (bytes[0] !== VERSION) throw new InvalidTokenError('unknown version')
  return bytes
}

function checkTimestamp(bytes: Buffer, {now = new Date(), ttlSeconds = 0}: DecodeOptions): void {
  if (ttlSeconds <= 0) return

  const issuedAt = Number(bytes.readBigUInt64BE(1))
  const nowSeconds = Math.floor(now.getTime() / 1000)
  if (issuedAt > nowSeconds + MAX_CLOCK_SKEW_SECONDS) {
    throw new InvalidTokenError('timestamp too far in the future')
  }

  if (nowSeconds - issuedAt > ttlSeconds) throw new InvalidTokenError('expired')
}

function checkPadding(key: string, bytes: Buffer): void {
  const encryptionKey = Buffer.from(key, 'base64url').subarray(16)
  const ciphertext = bytes.subarray(HEADER_BYTES, bytes.length - HMAC_BYTES)
  const lastBlock = ciphertext.subarray(-BLOCK_BYTES)
  const chain =
    ciphertext.length > BLOCK_BYTES
      ? ciphertext.subarray(-2 * BLOCK_BYTES, -BLOCK_BYTES)
      : bytes.subarray(9, HEADER_BYTES)

  try {
    const decipher = createDecipheriv('aes-128-cbc', encryptionKey, chain)
    decipher.update(lastBlock)
    decipher.final()
  } catch {
    throw new InvalidTokenError('bad padding')
  }
}
