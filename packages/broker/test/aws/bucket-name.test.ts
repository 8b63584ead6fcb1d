import {expect} from 'chai'

import {
  bucketHint,
  bucketNameFor,
  cryptoRandom,
  isValidBucketName,
} from '../../src/aws/bucket-name.js'

const fixedRandom = () => 'abcdefghijkl'

describe('bucket names', () => {
  describe('bucketNameFor', () => {
    it('joins the prefix, the app name and the random part', () => {
      expect(bucketNameFor('shop', fixedRandom)).to.equal('byo-s3-shop-abcdefghijkl')
    })

    const hints: [string, string][] = [
      ['My-Shop', 'byo-s3-my-shop-abcdefghijkl'],
      ['my_shop.prod', 'byo-s3-my-shop-prod-abcdefghijkl'],
      ['--shop--', 'byo-s3-shop-abcdefghijkl'],
      ['a---b', 'byo-s3-a-b-abcdefghijkl'],
      ['shop; rm -rf /', 'byo-s3-shop-rm-rf-abcdefghijkl'],
      ['../../etc/passwd', 'byo-s3-etc-passwd-abcdefghijkl'],
      ['<script>alert(1)</script>', 'byo-s3-script-alert-1-scrip-abcdefghijkl'],
      ['Ünïcødé-app', 'byo-s3-n-c-d-app-abcdefghijkl'],
      ['xn--shop', 'byo-s3-xn-shop-abcdefghijkl'],
      ['192.168.0.1', 'byo-s3-192-168-0-1-abcdefghijkl'],
      ['shop\u0000null\nline', 'byo-s3-shop-null-line-abcdefghijkl'],
    ]
    for (const [hint, expected] of hints) {
      it(`reduces the hint ${JSON.stringify(hint)} to lower-case letters, digits and single hyphens`, () => {
        expect(bucketNameFor(hint, fixedRandom)).to.equal(expected)
      })
    }

    it('cuts the hint to 20 characters and trims a hyphen left at the cut', () => {
      expect(bucketHint('abcdefghijklmnopqrst-uvwxyz')).to.equal('abcdefghijklmnopqrst')
      expect(bucketHint('abcdefghijklmnopqrs-tuvwxyz')).to.equal('abcdefghijklmnopqrs')
    })

    it('drops the hint when nothing of it survives', () => {
      expect(bucketNameFor('', fixedRandom)).to.equal('byo-s3-abcdefghijkl')
      expect(bucketNameFor('___...!!!', fixedRandom)).to.equal('byo-s3-abcdefghijkl')
      expect(bucketNameFor('日本語', fixedRandom)).to.equal('byo-s3-abcdefghijkl')
    })

    it('stays within 40 characters for the longest hint', () => {
      const name = bucketNameFor('x'.repeat(200))
      expect(name).to.have.length(40)
      expect(isValidBucketName(name)).to.equal(true)
    })

    it('refuses a random part that would make an invalid name', () => {
      expect(() => bucketNameFor('shop', () => 'UPPER')).to.throw(/breaks S3 rules/)
    })

    it('gives every hostile hint a valid name', () => {
      const hostile = [
        '',
        '-',
        '.',
        '..',
        'A'.repeat(300),
        '\u202e',
        'a.b..c',
        '-s3alias',
        '--x-s3',
      ]
      for (const hint of hostile) expect(isValidBucketName(bucketNameFor(hint))).to.equal(true)
    })
  })

  describe('cryptoRandom', () => {
    it('draws 12 characters of lower-case base32', () => {
      for (let i = 0; i < 50; i++) expect(cryptoRandom()).to.match(/^[a-z2-7]{12}$/)
    })

    it('does not repeat itself', () => {
      const draws = new Set(Array.from({length: 200}, () => cryptoRandom()))
      expect(draws.size).to.equal(200)
    })
  })

  describe('isValidBucketName', () => {
    const valid = [
      'abc',
      'byo-s3-shop-abcdefghijkl',
      'a'.repeat(63),
      'my.bucket.name',
      '1bucket9',
      'bucket-an-other',
      '192.168.5.4a',
    ]
    for (const name of valid) {
      it(`accepts ${name}`, () => {
        expect(isValidBucketName(name)).to.equal(true)
      })
    }

    const invalid: [string, string][] = [
      ['ab', 'too short'],
      ['a'.repeat(64), 'too long'],
      ['', 'empty'],
      ['My-Bucket', 'upper case'],
      ['my_bucket', 'underscore'],
      ['my bucket', 'space'],
      ['bücket', 'non-ASCII'],
      ['-bucket', 'leading hyphen'],
      ['bucket-', 'trailing hyphen'],
      ['.bucket', 'leading period'],
      ['bucket.', 'trailing period'],
      ['my..bucket', 'adjacent periods'],
      ['192.168.5.4', 'IP address shape'],
      ['xn--bucket', 'reserved prefix xn--'],
      ['sthree-bucket', 'reserved prefix sthree-'],
      ['sthree-configurator', 'reserved prefix sthree-'],
      ['amzn-s3-demo-bucket', 'reserved prefix amzn-s3-demo-'],
      ['bucket-s3alias', 'reserved suffix -s3alias'],
      ['bucket--ol-s3', 'reserved suffix --ol-s3'],
      ['bucket.mrap', 'reserved suffix .mrap'],
      ['bucket--x-s3', 'reserved suffix --x-s3'],
      ['bucket--table-s3', 'reserved suffix --table-s3'],
      ['bucket-111122223333-us-east-1-an', 'account-regional suffix -an'],
      ['byo-s3-*', 'wildcard'],
    ]
    for (const [name, reason] of invalid) {
      it(`rejects ${JSON.stringify(name)} (${reason})`, () => {
        expect(isValidBucketName(name)).to.equal(false)
      })
    }
  })
})
