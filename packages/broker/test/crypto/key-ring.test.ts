import {expect} from 'chai'
import {
  decodeToken,
  encodeToken,
  generateKey,
  InvalidTokenError,
} from '../../src/crypto/fernet-token.js'
import {KeyRing} from '../../src/crypto/key-ring.js'
import {sharedFixture} from '../helpers/shared-fixtures.js'

interface Vector {
  desc?: string
  token: string
  now: string
  secret: string
  src?: string
  iv?: number[]
  ttl_sec?: number
}

const fixture = (name: string) => sharedFixture<Vector[]>(`fernet/${name}`)

describe('Fernet tokens', () => {
  for (const vector of fixture('generate.json')) {
    it(`encodes ${JSON.stringify(vector.src)} exactly as the generate vector`, () => {
      const token = encodeToken(vector.secret, vector.src!, {
        now: new Date(vector.now),
        iv: vector.iv,
      })
      expect(token).to.equal(vector.token)
    })
  }

  for (const vector of fixture('verify.json')) {
    it(`decodes the verify vector to ${JSON.stringify(vector.src)}`, () => {
      const plaintext = decodeToken(vector.secret, vector.token, {
        now: new Date(vector.now),
        ttlSeconds: vector.ttl_sec,
      })
      expect(plaintext).to.equal(vector.src)
    })
  }

  for (const vector of fixture('invalid.json')) {
    it(`rejects the invalid vector "${vector.desc}"`, () => {
      expect(() =>
        decodeToken(vector.secret, vector.token, {
          now: new Date(vector.now),
          ttlSeconds: vector.ttl_sec,
        }),
      ).to.throw(InvalidTokenError)
    })
  }

  it('accepts an old token when no TTL is given, as stored secrets need', () => {
    const [vector] = fixture('verify.json')
    expect(decodeToken(vector.secret, vector.token)).to.equal(vector.src)
  })
})

describe('KeyRing', () => {
  it('round-trips a secret with a fresh IV each time', () => {
    const ring = new KeyRing([generateKey()])
    const first = ring.seal('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')
    const second = ring.seal('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')

    expect(first).not.to.equal(second)
    expect(first).not.to.contain('wJalrXUtnFEMI')
    expect(ring.unseal(first)).to.equal('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')
  })

  it('encrypts with the first key and decrypts with any key of the ring', () => {
    const oldKey = generateKey()
    const newKey = generateKey()
    const sealedWithOld = new KeyRing([oldKey]).seal('old secret')
    const rotated = new KeyRing([newKey, oldKey])

    expect(rotated.unseal(sealedWithOld)).to.equal('old secret')
    expect(new KeyRing([newKey]).unseal(rotated.seal('new secret'))).to.equal('new secret')
    expect(() => new KeyRing([oldKey]).unseal(rotated.seal('new secret'))).to.throw(
      InvalidTokenError,
    )
  })

  it('parses a comma-separated list and refuses a malformed key', () => {
    const key = generateKey()
    expect(
      KeyRing.parse(` ${key} , ${generateKey()}`).unseal(new KeyRing([key]).seal('x')),
    ).to.equal('x')
    expect(() => KeyRing.parse('not-a-key')).to.throw('Fernet key 1 is not 32 bytes')
    expect(() => KeyRing.parse(' , ')).to.throw('at least one Fernet key')
  })

  it('never shows its keys when serialised', () => {
    const key = generateKey()
    expect(JSON.stringify({ring: new KeyRing([key])})).not.to.contain(key.slice(0, 20))
  })

  it('derives one stable 32-byte key per Fernet key and purpose, current first', () => {
    const [oldKey, newKey] = [generateKey(), generateKey()]
    const ring = new KeyRing([newKey, oldKey])
    const [current, previous] = ring.derivedKeys('dashboard session')

    expect(current).to.have.length(32)
    expect(current).to.deep.equal(new KeyRing([newKey]).derivedKeys('dashboard session')[0])
    expect(previous).to.deep.equal(new KeyRing([oldKey]).derivedKeys('dashboard session')[0])
    expect(ring.derivedKeys('dashboard csrf')[0]).not.to.deep.equal(current)
    expect(current).not.to.deep.equal(Buffer.from(newKey, 'base64url'))
  })
})
