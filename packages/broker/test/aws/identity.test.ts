import {inspect} from 'node:util'

import {expect} from 'chai'
import nock from 'nock'

import {BrokerError} from '../../src/errors.js'
import {whoAmI} from '../../src/aws/identity.js'
import {
  ACCOUNT_ID,
  fakeQueryApi,
  LINKED_CREDENTIALS,
  STS_URL,
  testClients,
} from '../helpers/aws-fakes.js'
import {elements, queryError, queryResult, STS_NAMESPACE} from '../helpers/aws-xml.js'

const CALLER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/byo-s3-linker`

async function rejectionOf(promise: Promise<unknown>): Promise<BrokerError> {
  try {
    await promise
  } catch (error) {
    expect(error).to.be.instanceOf(BrokerError)
    return error as BrokerError
  }

  throw new Error('expected a rejection')
}

function expectNoSecret(error: BrokerError) {
  expect(error.message).not.to.include(LINKED_CREDENTIALS.secretAccessKey)
  expect(inspect(error, {depth: 10})).not.to.include(LINKED_CREDENTIALS.secretAccessKey)
  expect(JSON.stringify(error)).not.to.include(LINKED_CREDENTIALS.secretAccessKey)
}

describe('whoAmI', () => {
  it('returns the account id and ARN that STS reports for the credentials', async () => {
    const calls = fakeQueryApi(STS_URL, () => ({
      body: queryResult(
        'GetCallerIdentity',
        elements({UserId: 'AIDAEXAMPLEUSERID', Account: ACCOUNT_ID, Arn: CALLER_ARN}),
        STS_NAMESPACE,
      ),
    }))

    const identity = await whoAmI(testClients(), LINKED_CREDENTIALS)

    expect(identity).to.deep.equal({accountId: ACCOUNT_ID, arn: CALLER_ARN})
    expect(calls).to.deep.equal([{Action: 'GetCallerIdentity', Version: '2011-06-15'}])
  })

  for (const code of ['InvalidClientTokenId', 'SignatureDoesNotMatch']) {
    it(`answers ${code} with a 422 that names the code and not the secret`, async () => {
      fakeQueryApi(STS_URL, () => ({
        status: 403,
        body: queryError(
          code,
          'The security token included in the request is invalid.',
          STS_NAMESPACE,
        ),
      }))

      const error = await rejectionOf(whoAmI(testClients(), LINKED_CREDENTIALS))

      expect(error.status).to.equal(422)
      expect(error.id).to.equal('invalid_aws_credentials')
      expect(error.message).to.equal(
        `AWS rejected these credentials (${code}). Check the access key id and secret and run the command again.`,
      )
      expectNoSecret(error)
    })
  }

  it('treats any other 403 as rejected credentials', async () => {
    fakeQueryApi(STS_URL, () => ({
      status: 403,
      body: queryError('AccessDenied', 'Explicit deny in a service control policy', STS_NAMESPACE),
    }))

    const error = await rejectionOf(whoAmI(testClients(), LINKED_CREDENTIALS))

    expect([error.status, error.id]).to.deep.equal([422, 'invalid_aws_credentials'])
  })

  it('answers a dropped connection with 502 aws_unreachable', async () => {
    // nock 14 only delivers Error instances; a plain object leaves the request hanging.
    nock(STS_URL)
      .post('/')
      .replyWithError(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'}))

    const error = await rejectionOf(whoAmI(testClients(), LINKED_CREDENTIALS))

    expect([error.status, error.id]).to.deep.equal([502, 'aws_unreachable'])
    expect(error.message).to.equal(
      'AWS could not be reached to check these credentials (ECONNRESET). Try again in a few minutes.',
    )
    expectNoSecret(error)
  })

  it('answers a request that outlives the timeout with 502 aws_unreachable', async () => {
    nock(STS_URL).post('/').delay(500).reply(200, '')

    const started = Date.now()
    const error = await rejectionOf(whoAmI(testClients({timeoutMs: 50}), LINKED_CREDENTIALS))

    expect([error.status, error.id]).to.deep.equal([502, 'aws_unreachable'])
    expect(error.message).to.include('TimeoutError')
    expect(Date.now() - started).to.be.below(400)
  })

  it('answers an AWS-side failure with 502 aws_unreachable', async () => {
    fakeQueryApi(STS_URL, () => ({
      status: 503,
      body: queryError('ServiceUnavailable', 'Service is unavailable', STS_NAMESPACE),
    }))

    const error = await rejectionOf(whoAmI(testClients(), LINKED_CREDENTIALS))

    expect([error.status, error.id]).to.deep.equal([502, 'aws_unreachable'])
  })
})
