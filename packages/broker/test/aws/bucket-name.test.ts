import {expect} from 'chai'

import {
  bucketHint,
  bucketNameFor,
  bucketPrefixProblem,
  cryptoRandom,
  isValidBucketName,
} from '../../src/aws/bucket-name.js'

const fixedRandom = () => 'abcdefghijkl'

describe('bucket names', () => {
  describe('bucketNameFor', () => {
    it('joins the prefix, the app name and the random part', () => {
      expect(bucketNameFor('shop', {random: fixedRandom})).to.equal('byo-s3-shop-abcdefghijkl')
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
        expect(bucketNameFor(hint, {random: fixedRandom})).to.equal(expected)
      })
    }

    it('cuts the hint to 20 characters and trims a hyphen left at the cut', () => {
      expect(bucketHint('abcdefghijklmnopqrst-uvwxyz')).to.equal('abcdefghijklmnopqrst')
      expect(bucketHint('abcdefghijklmnopqrs-tuvwxyz')).to.equal('abcdefghijklmnopqrs')
    })

    it('drops the hint when nothing of it survives', () => {
      expect(bucketNameFor('', {random: fixedRandom})).to.equal('byo-s3-abcdefghijkl')
      expect(bucketNameFor('___...!!!', {random: fixedRandom})).to.equal('byo-s3-abcdefghijkl')
      expect(bucketNameFor('日本語', {random: fixedRandom})).to.equal('byo-s3-abcdefghijkl')
    })

    it('stays within 40 characters for the longest hint', () => {
      const name = bucketNameFor('x'.repeat(200))
      expect(name).to.have.length(40)
      expect(isValidBucketName(name)).to.equal(true)
    })

    it('refuses a random part that would make an invalid name', () => {
      expect(() => bucketNameFor('shop', {random: () => 'UPPER'})).to.throw(/breaks S3 rules/)
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

  describe('a team’s bucket prefix', () => {
    it('starts the name in place of byo-s3', () => {
      expect(bucketNameFor('shop', {prefix: 'acme-data', random: fixedRandom})).to.equal(
        'acme-data-shop-abcdefghijkl',
      )
    })

    it('accepts 3 to 20 lower-case letters, digits and single hyphens', () => {
      for (const prefix of ['abc', 'acme-data', 'team7-s3', 'a'.repeat(20)]) {
        expect(bucketPrefixProblem(prefix), prefix).to.equal(null)
      }
      expect(bucketPrefixProblem('ab')).to.match(/3 to 20 characters/)
    })

    it('names what is wrong with a prefix that would make invalid names', () => {
      expect(bucketPrefixProblem('a'.repeat(21))).to.match(/3 to 20 characters/)
      expect(bucketPrefixProblem('Acme')).to.match(/lower-case letters/)
      expect(bucketPrefixProblem('9lives')).to.match(/starting with a letter/)
      expect(bucketPrefixProblem('acme-')).to.match(/ending with a letter or digit/)
      expect(bucketPrefixProblem('ac--me')).to.match(/single hyphens/)
      expect(bucketPrefixProblem('acme.data')).to.match(/lower-case letters/)
      expect(bucketPrefixProblem('sthree')).to.match(/S3 reserves/)
      expect(bucketPrefixProblem('amzn-s3-demo')).to.match(/S3 reserves/)
    })

    it('makes valid names from every accepted prefix and hostile hints', () => {
      for (const prefix of ['abc', 'a'.repeat(20), 'x1-y2-z3']) {
        expect(bucketPrefixProblem(prefix)).to.equal(null)
        for (const hint of ['', 'A'.repeat(300), '--x-s3', 'shop']) {
          expect(isValidBucketName(bucketNameFor(hint, {prefix}))).to.equal(true)
        }
      }
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
