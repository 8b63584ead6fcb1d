import {hkdfSync} from 'node:crypto'
import {decodeToken, encodeToken, InvalidTokenError, isValidKey} from './fernet-token.js'

/**
 * Seals secrets for storage. The first key encrypts; every key decrypts, so a new key can be put
 * first while older ones still open what they sealed. Sealed values never expire.
 */
export class KeyRing {
  readonly #keys: readonly string[]

  constructor(keys: readonly string[]) {
    if (keys.length === 0) throw new Error('A key ring needs at least one Fernet key.')
    keys.forEach((key, index) => {
      if (!isValidKey(key)) {
        throw new Error(`Fernet key ${index + 1} is not 32 bytes of URL-safe base64.`)
      }
    })
    this.#keys = [...keys]
  }

  static parse(list: string): KeyRing {
    return new KeyRing(
      list
        .split(',')
        .map((key) => key.trim())
        .filter(Boolean),
    )
  }

  seal(plaintext: string): string {
    return encodeToken(this.#keys[0], plaintext)
  }

  unseal(token: string): string {
    for (const key of this.#keys) {
      try {
        return decodeToken(key, token)
      } catch (error) {
        if (!(error instanceof InvalidTokenError)) throw error
      }
    }

    throw new InvalidTokenError('no key in the ring opens it')
  }

  /** Whether the first key opens the token: re-encryption leaves such values as they are. */
  isSealedWithFirstKey(token: string): boolean {
    try {
      decodeToken(this.#keys[0], token)
      return true
    } catch (error) {
      if (error instanceof InvalidTokenError) return false
      throw error
    }
  }

  /**
   * Keys for a use other than sealing (signing the dashboard's cookies, say), one per Fernet key
   * and current first, derived with HKDF so that what one use reveals says nothing of the other.
   */
  derivedKeys(purpose: string): Buffer[] {
    return this.#keys.map((key) =>
      Buffer.from(hkdfSync('sha256', Buffer.from(key, 'base64url'), '', `byo-s3 ${purpose}`, 32)),
    )
  }

  /** Keeps key material out of logs and error reports. */
  toJSON(): string {
    return `[KeyRing of ${this.#keys.length}]`
  }
}
