import {HeadBucketCommand} from '@aws-sdk/client-s3'
import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'
import {expect} from 'chai'

import {brokerPrincipalArn, trustablePrincipal} from '../../src/aws/broker-principal.js'
import {fakeS3, s3BucketUrl, testClients} from '../helpers/aws-fakes.js'
import {
  acmeRole,
  BROKER_CREDENTIALS,
  BROKER_ROLE_ARN,
  fakeSts,
  TEAM_ROLE_ARN,
} from '../helpers/aws-fake-sts.js'

const BUCKET = 'byo-s3-shop-abcdefghijkl'
const ROLE = {roleArn: TEAM_ROLE_ARN, externalId: 'a'.repeat(64), sessionName: 'byo-s3-9c3b2a1d'}
const HOUR = 3600_000

describe('assuming a team’s role', () => {
  const realNow = Date.now
  let offset = 0

  beforeEach(() => {
    offset = 0
    Date.now = () => realNow() + offset
  })

  afterEach(() => {
    Date.now = realNow
  })

  const whoAmI = (clients: ReturnType<typeof testClients>) =>
    clients.sts(ROLE).send(new GetCallerIdentityCommand({}))

  it('assumes it as the broker, with the External ID and a named one-hour session', async () => {
    const sts = fakeSts({roles: [acmeRole(() => ROLE.externalId)]})

    const identity = await whoAmI(testClients())

    expect(identity.Arn).to.equal(
      'arn:aws:sts::111122223333:assumed-role/byo-s3-acme/byo-s3-9c3b2a1d',
    )
    const [assume, caller] = sts.calls
    expect(assume.signedBy).to.equal(BROKER_CREDENTIALS.accessKeyId)
    expect(assume.params).to.include({
      RoleArn: TEAM_ROLE_ARN,
      ExternalId: ROLE.externalId,
      RoleSessionName: 'byo-s3-9c3b2a1d',
      DurationSeconds: '3600',
    })
    expect(caller.signedBy).to.match(/^ASIASESSION/)
  })

  it('uses one session for every client of the role while it lasts', async () => {
    const sts = fakeSts({roles: [acmeRole(() => ROLE.externalId)]})
    const requests = fakeS3(s3BucketUrl(BUCKET, 'eu-west-1'), () => ({}))
    const clients = testClients()

    await whoAmI(clients)
    offset = 30 * 60_000
    await clients.s3(ROLE, 'eu-west-1').send(new HeadBucketCommand({Bucket: BUCKET}))
    await whoAmI(clients)

    expect(sts.assumed()).to.have.length(1)
    expect(requests[0].headers.authorization).to.include('Credential=ASIASESSION000000001/')
    expect(requests[0].headers['x-amz-security-token']).to.equal('session-token-1')
  })

  it('assumes the role again once less than five minutes of the session are left', async () => {
    const sts = fakeSts({roles: [acmeRole(() => ROLE.externalId)]})
    const requests = fakeS3(s3BucketUrl(BUCKET, 'eu-west-1'), () => ({}))
    const clients = testClients()

    await whoAmI(clients)
    offset = HOUR - 4 * 60_000
    await clients.s3(ROLE, 'eu-west-1').send(new HeadBucketCommand({Bucket: BUCKET}))
    await whoAmI(clients)

    expect(sts.assumed()).to.have.length(2)
    expect(requests[0].headers.authorization).to.include('Credential=ASIASESSION000000002/')
    expect(sts.calls.at(-1)!.signedBy).to.equal('ASIASESSION000000002')
  })

  it('keeps the sessions of two External IDs apart', async () => {
    const other = {...ROLE, externalId: 'b'.repeat(64)}
    const sts = fakeSts({roles: [acmeRole(() => null)]})
    const clients = testClients()

    await whoAmI(clients)
    await clients.sts(other).send(new GetCallerIdentityCommand({}))

    expect(sts.assumed().map((call) => call.params.ExternalId)).to.deep.equal([
      ROLE.externalId,
      other.externalId,
    ])
  })
})

describe('the broker’s principal for trust policies', () => {
  it('turns an assumed-role session into its role', () => {
    expect(
      trustablePrincipal('arn:aws:sts::444455556666:assumed-role/byo-s3-broker/i-0abc'),
    ).to.equal('arn:aws:iam::444455556666:role/byo-s3-broker')
    expect(trustablePrincipal('arn:aws-cn:sts::444455556666:assumed-role/broker/dyno')).to.equal(
      'arn:aws-cn:iam::444455556666:role/broker',
    )
  })

  it('keeps users and roots as they are', () => {
    for (const arn of ['arn:aws:iam::444455556666:user/broker', 'arn:aws:iam::444455556666:root']) {
      expect(trustablePrincipal(arn)).to.equal(arn)
    }
  })

  it('asks STS once and remembers the answer', async () => {
    const sts = fakeSts()
    const clients = testClients()

    const first = await brokerPrincipalArn(clients)
    const second = await brokerPrincipalArn(clients)

    expect([first, second]).to.deep.equal([BROKER_ROLE_ARN, BROKER_ROLE_ARN])
    expect(sts.calls.map((call) => [call.action, call.signedBy])).to.deep.equal([
      ['GetCallerIdentity', BROKER_CREDENTIALS.accessKeyId],
    ])
  })

  it('takes the operator’s override without asking STS', async () => {
    const sts = fakeSts()
    const override = 'arn:aws:iam::444455556666:role/service/byo-s3-broker'

    expect(await brokerPrincipalArn(testClients(), override)).to.equal(override)
    expect(sts.calls).to.deep.equal([])
  })
})
