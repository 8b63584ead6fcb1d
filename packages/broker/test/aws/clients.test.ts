import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'
import {ListUsersCommand} from '@aws-sdk/client-iam'
import {expect} from 'chai'
import nock from 'nock'

import {createBucket, secureBucket} from '../../src/aws/bucket-setup.js'
import {type AwsCall, createAwsClients} from '../../src/aws/clients.js'
import {
  ACCOUNT_ID,
  fakeS3,
  IAM_URL,
  LINKED_CREDENTIALS,
  STS_URL,
  testClients,
} from '../helpers/aws-fakes.js'
import {
  elements,
  IAM_NAMESPACE,
  queryError,
  queryResult,
  STS_NAMESPACE,
  xmlTexts,
} from '../helpers/aws-xml.js'

const BUCKET = 'byo-s3-shop-abcdefghijkl'

const CALLER_REPLY = queryResult(
  'GetCallerIdentity',
  elements({Account: ACCOUNT_ID, Arn: `arn:aws:iam::${ACCOUNT_ID}:user/linker`}),
  STS_NAMESPACE,
)

describe('createAwsClients', () => {
  describe('credentials', () => {
    const variables = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE']
    const saved = variables.map((name) => [name, process.env[name]] as const)

    afterEach(() => {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    })

    it('signs with the credentials passed in, never with those in the environment', async () => {
      process.env.AWS_ACCESS_KEY_ID = 'AKIAENVIRONMENTKEY00'
      process.env.AWS_SECRET_ACCESS_KEY = 'environment-secret'
      process.env.AWS_PROFILE = 'someone-else'
      let authorization = ''
      nock(STS_URL)
        .post('/')
        .reply(function () {
          authorization = this.req.headers.authorization
          return [200, CALLER_REPLY]
        })

      await testClients().sts(LINKED_CREDENTIALS).send(new GetCallerIdentityCommand({}))

      expect(authorization).to.include(`Credential=${LINKED_CREDENTIALS.accessKeyId}/`)
      expect(authorization).to.include('/us-east-1/sts/aws4_request')
      expect(authorization).not.to.include('AKIAENVIRONMENTKEY00')
    })
  })

  describe('endpoints', () => {
    it('sends S3 requests path-style to the configured endpoint', async () => {
      const requests = fakeS3('http://127.0.0.1:4599', () => ({}))
      const clients = testClients({endpoints: {s3: 'http://127.0.0.1:4599'}, forcePathStyle: true})
      const bucket = {bucketName: BUCKET, region: 'eu-west-1', accountId: ACCOUNT_ID}

      await createBucket(clients, LINKED_CREDENTIALS, {...bucket, addonId: 'addon-uuid'})
      await secureBucket(clients, LINKED_CREDENTIALS, {...bucket, addonId: 'addon-uuid', tags: {}})

      expect(requests.map(({headers}) => headers.host)).to.have.members(
        Array(6).fill('127.0.0.1:4599'),
      )
      expect(
        requests.map(({path, query}) => `${path}?${[...query.keys()].join('&')}`),
      ).to.deep.equal([
        `/${BUCKET}/?`,
        `/${BUCKET}/?tagging`,
        `/${BUCKET}/?publicAccessBlock`,
        `/${BUCKET}/?encryption`,
        `/${BUCKET}/?policy`,
        `/${BUCKET}/?lifecycle`,
      ])
      expect(xmlTexts(requests[0].body, 'LocationConstraint')).to.deep.equal(['eu-west-1'])
    })

    it('sends IAM and STS requests to their configured endpoints', async () => {
      nock('http://127.0.0.1:4600')
        .post('/', {Action: 'ListUsers', Version: '2010-05-08'})
        .reply(200, queryResult('ListUsers', '<Users/>'))
      nock('http://127.0.0.1:4601')
        .post('/', {Action: 'GetCallerIdentity', Version: '2011-06-15'})
        .reply(200, CALLER_REPLY)
      const clients = testClients({
        endpoints: {iam: 'http://127.0.0.1:4600', sts: 'http://127.0.0.1:4601'},
      })

      const users = await clients.iam(LINKED_CREDENTIALS).send(new ListUsersCommand({}))
      const caller = await clients.sts(LINKED_CREDENTIALS).send(new GetCallerIdentityCommand({}))

      expect(users.Users).to.deep.equal([])
      expect(caller.Account).to.equal(ACCOUNT_ID)
      expect(nock.isDone()).to.equal(true)
    })
  })

  describe('caching', () => {
    it('keeps one S3 client per credentials and region', () => {
      const clients = testClients()
      const otherSecret = {...LINKED_CREDENTIALS, secretAccessKey: 'another-secret'}

      const first = clients.s3(LINKED_CREDENTIALS, 'eu-west-1')

      expect(clients.s3({...LINKED_CREDENTIALS}, 'eu-west-1')).to.equal(first)
      expect(clients.s3(LINKED_CREDENTIALS, 'us-east-1')).not.to.equal(first)
      expect(clients.s3(otherSecret, 'eu-west-1')).not.to.equal(first)
      expect(clients.iam(LINKED_CREDENTIALS)).to.equal(clients.iam(LINKED_CREDENTIALS))
      expect(clients.sts(LINKED_CREDENTIALS)).not.to.equal(clients.sts(otherSecret))
    })

    it('forgets the least recently used client once 200 are cached', () => {
      const clients = testClients()
      const first = clients.s3(LINKED_CREDENTIALS, 'eu-west-1')
      const second = clients.s3(LINKED_CREDENTIALS, 'us-east-1')
      clients.s3(LINKED_CREDENTIALS, 'eu-west-1')

      for (let n = 0; n < 199; n++) {
        clients.iam({accessKeyId: `AKIAOTHERTEAM${n}`, secretAccessKey: 'other'})
      }

      expect(clients.s3(LINKED_CREDENTIALS, 'eu-west-1')).to.equal(first)
      expect(clients.s3(LINKED_CREDENTIALS, 'us-east-1')).not.to.equal(second)
    })

    it('signs S3 requests for the client’s own region', async () => {
      const region = await testClients().s3(LINKED_CREDENTIALS, 'eu-central-1').config.region()
      expect(region).to.equal('eu-central-1')
    })
  })

  describe('retries', () => {
    it('tries a failing call three times, then gives up', async () => {
      let attempts = 0
      nock(STS_URL)
        .post('/')
        .times(4)
        .reply(() => {
          attempts++
          return [500, queryError('InternalFailure', 'Internal failure', STS_NAMESPACE)]
        })
      const clients = createAwsClients({endpoints: {}, forcePathStyle: false})

      const error = await clients
        .sts(LINKED_CREDENTIALS)
        .send(new GetCallerIdentityCommand({}))
        .then(
          () => undefined,
          (rejection: unknown) => rejection,
        )

      expect(error).to.have.property('name', 'InternalFailure')
      expect(attempts).to.equal(3)
    })
  })

  describe('observing calls', () => {
    it('reports a call the SDK retried once, as it ended, with its service and operation', async () => {
      const calls: AwsCall[] = []
      const sts = nock(STS_URL)
        .post('/')
        .reply(500, queryError('InternalFailure', 'Internal failure', STS_NAMESPACE))
        .post('/')
        .reply(200, CALLER_REPLY)
      const clients = testClients({maxAttempts: 2, observeCall: (call) => calls.push(call)})

      await clients.sts(LINKED_CREDENTIALS).send(new GetCallerIdentityCommand({}))

      sts.done()
      expect(calls).to.have.length(1)
      expect(calls[0]).to.include({service: 'sts', operation: 'GetCallerIdentity'})
      expect(calls[0]).not.to.have.property('error')
      expect(calls[0].seconds).to.be.greaterThan(0)
    })

    it('reports a failed call with its AWS error code', async () => {
      const calls: AwsCall[] = []
      nock(IAM_URL)
        .post('/')
        .reply(403, queryError('AccessDenied', 'Not allowed', IAM_NAMESPACE))
      const clients = testClients({observeCall: (call) => calls.push(call)})

      const error = await clients
        .iam(LINKED_CREDENTIALS)
        .send(new ListUsersCommand({}))
        .then(
          () => undefined,
          (rejection: unknown) => rejection,
        )

      expect(error).to.have.property('name', 'AccessDenied')
      expect(calls).to.deep.equal([
        {service: 'iam', operation: 'ListUsers', seconds: calls[0].seconds, error: 'AccessDenied'},
      ])
    })
  })
})
