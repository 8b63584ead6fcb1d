import {expect} from 'chai'

import {brokerUrl, DEFAULT_BROKER_URL} from '../../src/lib/broker-url.js'
import {ByoS3Error} from '../../src/lib/errors.js'

function failure(env: NodeJS.ProcessEnv): ByoS3Error {
  try {
    brokerUrl(env)
  } catch (error) {
    expect(error).to.be.instanceOf(ByoS3Error)
    return error as ByoS3Error
  }

  return expect.fail('expected brokerUrl to throw')
}

describe('brokerUrl', function () {
  it('defaults to the production broker', function () {
    expect(brokerUrl({})).to.equal(DEFAULT_BROKER_URL)
    expect(brokerUrl({BYO_S3_BROKER_URL: ''})).to.equal(DEFAULT_BROKER_URL)
  })

  it('drops trailing slashes', function () {
    expect(brokerUrl({BYO_S3_BROKER_URL: 'https://broker.example.test/'})).to.equal(
      'https://broker.example.test',
    )
    expect(brokerUrl({BYO_S3_BROKER_URL: 'https://example.test/byo-s3//'})).to.equal(
      'https://example.test/byo-s3',
    )
  })

  it('accepts plain http for a broker on this machine only', function () {
    expect(brokerUrl({BYO_S3_BROKER_URL: 'http://localhost:5000'})).to.equal(
      'http://localhost:5000',
    )
    expect(brokerUrl({BYO_S3_BROKER_URL: 'http://127.0.0.1:5000/'})).to.equal(
      'http://127.0.0.1:5000',
    )

    const error = failure({BYO_S3_BROKER_URL: 'http://broker.example.test'})
    expect(error.message).to.equal(
      'BYO_S3_BROKER_URL must be an https URL (http only for localhost), not http://broker.example.test. Fix the variable and try again.',
    )
    expect(error.exitCode).to.equal(2)
  })

  it('rejects a value that is not a URL', function () {
    expect(failure({BYO_S3_BROKER_URL: 'broker.example.test'}).message).to.equal(
      "BYO_S3_BROKER_URL is not a valid URL: broker.example.test. Set it to the broker's address, such as https://byo-s3.herokuapp.com.",
    )
  })
})
