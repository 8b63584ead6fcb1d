import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'
import {ListObjectsV2Command} from '@aws-sdk/client-s3'
import {expect} from 'chai'
import nock from 'nock'

import {KeyNotReadyError} from '../../src/aws/readiness.js'
import {describeAwsError, isTransientAwsError} from '../../src/aws/service-errors.js'
import {BrokerError} from '../../src/errors.js'
import {
  fakeS3,
  LINKED_CREDENTIALS,
  s3BucketUrl,
  STS_URL,
  testClients,
} from '../helpers/aws-fakes.js'
import {s3Error} from '../helpers/aws-xml.js'

const BUCKET = 'byo-s3-shop-abcdefghijkl'

/** An error shaped as the SDK throws it for a service reply. */
function serviceError(name: string, status: number, message = `${name} message`, Code?: string) {
  return Object.assign(new Error(message), {
    name,
    ...(Code ? {Code} : {}),
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: {httpStatusCode: status},
  })
}

/** An error shaped as Node throws it when the connection fails. */
function networkError(code: string, message = `connect ${code}`) {
  return Object.assign(new Error(message), {code})
}

async function s3Failure(reply: () => [number, string]): Promise<unknown> {
  fakeS3(s3BucketUrl(BUCKET, 'eu-west-1'), () => {
    const [status, body] = reply()
    return {status, body}
  })
  return testClients()
    .s3(LINKED_CREDENTIALS, 'eu-west-1')
    .send(new ListObjectsV2Command({Bucket: BUCKET}))
    .then(
      () => {
        throw new Error('expected a rejection')
      },
      (error: unknown) => error,
    )
}

describe('isTransientAwsError', () => {
  const transient: [string, unknown][] = [
    ['Throttling (IAM, STS)', serviceError('Throttling', 400)],
    ['ThrottlingException', serviceError('ThrottlingException', 400)],
    ['SlowDown', serviceError('SlowDown', 503)],
    ['RequestLimitExceeded', serviceError('RequestLimitExceeded', 400)],
    ['TooManyRequestsException', serviceError('TooManyRequestsException', 429)],
    ['a bare 429', serviceError('Unknown', 429)],
    ['InternalError (500)', serviceError('InternalError', 500)],
    ['ServiceUnavailable (503)', serviceError('ServiceUnavailable', 503)],
    ['an unnamed 502', serviceError('Unknown', 502)],
    ['IAM ServiceFailure', serviceError('ServiceFailureException', 500, 'x', 'ServiceFailure')],
    ['RequestTimeout (S3 answers 400)', serviceError('RequestTimeout', 400)],
    ['the SDK’s TimeoutError', Object.assign(new Error('timed out'), {name: 'TimeoutError'})],
    ['ECONNRESET', networkError('ECONNRESET')],
    ['ETIMEDOUT', networkError('ETIMEDOUT')],
    ['ECONNREFUSED', networkError('ECONNREFUSED')],
    ['EPIPE', networkError('EPIPE')],
    ['EAI_AGAIN', networkError('EAI_AGAIN')],
    ['socket hang up without a code', new Error('socket hang up')],
    ['OperationAborted', serviceError('OperationAborted', 409)],
    [
      'IAM ConcurrentModification',
      serviceError('ConcurrentModificationException', 409, 'x', 'ConcurrentModification'),
    ],
    [
      'IAM EntityTemporarilyUnmodifiable',
      serviceError(
        'EntityTemporarilyUnmodifiableException',
        409,
        'x',
        'EntityTemporarilyUnmodifiable',
      ),
    ],
    ['KeyNotReadyError', new KeyNotReadyError('not yet', 5)],
    [
      'a 502 BrokerError caused by a network failure',
      new BrokerError(502, 'aws_unreachable', 'AWS could not be reached.', {
        cause: networkError('ECONNRESET'),
      }),
    ],
  ]
  for (const [label, error] of transient) {
    it(`counts ${label} as transient`, () => {
      expect(isTransientAwsError(error)).to.equal(true)
    })
  }

  const permanent: [string, unknown][] = [
    ['AccessDenied', serviceError('AccessDenied', 403)],
    ['InvalidAccessKeyId', serviceError('InvalidAccessKeyId', 403)],
    ['SignatureDoesNotMatch', serviceError('SignatureDoesNotMatch', 403)],
    ['InvalidClientTokenId (STS)', serviceError('InvalidClientTokenId', 403)],
    ['TooManyBuckets', serviceError('TooManyBuckets', 400)],
    ['IAM LimitExceeded', serviceError('LimitExceededException', 409, 'x', 'LimitExceeded')],
    ['IAM MalformedPolicyDocument', serviceError('MalformedPolicyDocumentException', 400)],
    ['S3 MalformedPolicy', serviceError('MalformedPolicy', 400)],
    ['InvalidBucketName', serviceError('InvalidBucketName', 400)],
    ['BucketAlreadyExists', serviceError('BucketAlreadyExists', 409)],
    ['NoSuchBucket', serviceError('NoSuchBucket', 404)],
    ['IAM NoSuchEntity', serviceError('NoSuchEntityException', 404, 'x', 'NoSuchEntity')],
    ['a 409 BrokerError', new BrokerError(409, 'bucket_locked', 'Bucket is locked.')],
    ['a plain Error', new Error('Bucket still held objects after 5 passes')],
    ['a thrown string', 'boom'],
    ['undefined', undefined],
  ]
  for (const [label, error] of permanent) {
    it(`counts ${label} as permanent`, () => {
      expect(isTransientAwsError(error)).to.equal(false)
    })
  }

  describe('on errors the SDK actually throws', () => {
    it('counts S3’s SlowDown as transient', async () => {
      const error = await s3Failure(() => [503, s3Error('SlowDown', 'Please reduce your rate.')])
      expect(isTransientAwsError(error)).to.equal(true)
    })

    it('counts S3’s AccessDenied as permanent', async () => {
      const error = await s3Failure(() => [403, s3Error('AccessDenied', 'Access Denied')])
      expect(isTransientAwsError(error)).to.equal(false)
    })

    it('counts a connection reset as transient', async () => {
      nock(STS_URL)
        .post('/')
        .replyWithError(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'}))

      const error = await testClients()
        .sts(LINKED_CREDENTIALS)
        .send(new GetCallerIdentityCommand({}))
        .catch((rejection: unknown) => rejection)

      expect(isTransientAwsError(error)).to.equal(true)
    })
  })
})

describe('describeAwsError', () => {
  it('joins the code and the message', () => {
    const error = serviceError(
      'AccessDenied',
      403,
      'User: arn:aws:iam::111122223333:user/linker is not authorized to perform: s3:CreateBucket',
    )
    expect(describeAwsError(error)).to.equal(
      'AccessDenied: User: arn:aws:iam::111122223333:user/linker is not authorized to perform: s3:CreateBucket',
    )
  })

  it('uses the code AWS sent for query services, not the SDK’s class name', () => {
    const error = serviceError(
      'NoSuchEntityException',
      404,
      'The user cannot be found.',
      'NoSuchEntity',
    )
    expect(describeAwsError(error)).to.equal('NoSuchEntity: The user cannot be found.')
  })

  it('names the HTTP status when S3 sent no message, as for HEAD requests', () => {
    expect(describeAwsError(serviceError('NotFound', 404, 'UnknownError'))).to.equal(
      'NotFound (HTTP 404)',
    )
  })

  it('describes network failures by their code', () => {
    expect(describeAwsError(networkError('ECONNRESET', 'read ECONNRESET'))).to.equal(
      'ECONNRESET: read ECONNRESET',
    )
  })

  it('gives a BrokerError’s own sentence', () => {
    const error = new BrokerError(409, 'bucket_locked', 'Bucket x has Object Lock enabled.')
    expect(describeAwsError(error)).to.equal('Bucket x has Object Lock enabled.')
  })

  it('gives a KeyNotReadyError’s own sentence', () => {
    const error = new KeyNotReadyError('S3 did not yet accept the new access key.', 3)
    expect(describeAwsError(error)).to.equal('S3 did not yet accept the new access key.')
  })

  it('collapses whitespace and caps the length at 300 characters', () => {
    const error = serviceError('MalformedPolicy', 400, `Policy\n  has ${'x'.repeat(1000)}`)
    const description = describeAwsError(error)
    expect(description).to.have.length(300)
    expect(description.startsWith('MalformedPolicy: Policy has xxx')).to.equal(true)
    expect(description.endsWith('…')).to.equal(true)
  })

  it('never includes the linked secret of a real signature failure', async () => {
    const error = await s3Failure(() => [
      403,
      s3Error(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      ),
    ])

    const description = describeAwsError(error)
    expect(description).to.equal(
      'SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided.',
    )
    expect(description).not.to.include(LINKED_CREDENTIALS.secretAccessKey)
  })
})
