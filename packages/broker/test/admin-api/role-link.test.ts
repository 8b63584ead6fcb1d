import {expect} from 'chai'
import nock from 'nock'

import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {ACCOUNT_ID, LINKED_CREDENTIALS, STS_URL} from '../helpers/aws-fakes.js'
import {queryError, STS_NAMESPACE} from '../helpers/aws-xml.js'
import {
  acmeRole,
  BROKER_CREDENTIALS,
  BROKER_ROLE_ARN,
  fakeSts,
  TEAM_ROLE_ARN,
} from '../helpers/aws-fake-sts.js'
import {herokuKnowsUser, USER_TOKEN} from '../helpers/heroku.js'
import {fakeSimulator, putLink, roleSetup, storedLink} from '../helpers/role-link.js'

describe('Admin API: linking a team through an IAM role', () => {
  let broker: TestBroker
  let externalId: string | null = null
  const requiredExternalId = () => externalId

  beforeEach(async () => {
    broker = await startTestBroker()
  })

  afterEach(() => broker.app.close())

  async function setUpRole() {
    const setup = await roleSetup(broker)
    externalId = setup.json().externalId
    return setup
  }

  describe('printing the role setup', () => {
    it('names the broker’s role and the team’s External ID in the trust policy', async () => {
      fakeSts()

      const response = await setUpRole()

      expect(response.statusCode).to.equal(200)
      const setup = response.json()
      expect(setup.externalId).to.match(/^[0-9a-f]{64}$/)
      expect(setup).to.include({
        brokerPrincipalArn: BROKER_ROLE_ARN,
        roleName: 'byo-s3-acme',
        rolePath: '/byo-s3/',
        renewed: false,
        linkedRoleArn: null,
      })
      expect(setup.trustPolicy.Statement).to.deep.equal([
        {
          Sid: 'ByoS3Broker',
          Effect: 'Allow',
          Principal: {AWS: BROKER_ROLE_ARN},
          Action: 'sts:AssumeRole',
          Condition: {StringEquals: {'sts:ExternalId': setup.externalId}},
        },
      ])
    })

    it('scopes the permissions to the default bucket names and the /byo-s3/ path', async () => {
      fakeSts()

      const {permissionsPolicy, cloudFormation} = (await setUpRole()).json()

      const resources = permissionsPolicy.Statement.map(
        (statement: {Resource: unknown[]}) => statement.Resource,
      )
      expect(resources).to.deep.equal([
        ['arn:aws:s3:::byo-s3-*'],
        ['arn:aws:s3:::byo-s3-*/*'],
        ['arn:aws:iam::*:user/byo-s3/*'],
        ['*'],
        ['arn:aws:iam::*:role/byo-s3/byo-s3-acme'],
      ])
      const role = cloudFormation.Resources.ByoS3Role.Properties
      expect(role).to.include({RoleName: 'byo-s3-acme', Path: '/byo-s3/'})
      expect(role.Policies[0].PolicyDocument.Statement[2].Resource).to.deep.equal([
        {'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:user/byo-s3/*'},
      ])
    })

    it('scopes S3 rights to the team’s own bucket prefix', async () => {
      fakeSts({roles: []})
      expect(
        (await putLink(broker, {...LINKED_CREDENTIALS, bucketPrefix: 'acme-data'})).statusCode,
      ).to.equal(200)

      const {permissionsPolicy} = (await setUpRole()).json()

      expect(permissionsPolicy.Statement[0].Resource).to.deep.equal(['arn:aws:s3:::acme-data-*'])
      expect(permissionsPolicy.Statement[1].Resource).to.deep.equal(['arn:aws:s3:::acme-data-*/*'])
    })

    it('keeps the External ID until an admin asks for a new one', async () => {
      const sts = fakeSts()
      const first = (await roleSetup(broker)).json().externalId

      const again = (await roleSetup(broker)).json()
      const renewed = (await roleSetup(broker, {newExternalId: true})).json()

      expect(again.externalId).to.equal(first)
      expect(renewed).to.include({renewed: true})
      expect(renewed.externalId)
        .to.match(/^[0-9a-f]{64}$/)
        .and.not.equal(first)
      // The broker's own identity is looked up once and remembered.
      expect(sts.calls.map((call) => call.action)).to.deep.equal(['GetCallerIdentity'])
    })

    it('answers 503 naming the operator’s setting when the broker cannot tell who it is', async () => {
      nock(STS_URL)
        .post('/')
        .reply(
          403,
          queryError('InvalidClientTokenId', 'The security token is invalid.', STS_NAMESPACE),
        )

      const response = await roleSetup(broker)

      expect(response.statusCode).to.equal(503)
      expect(response.json()).to.deep.equal({
        id: 'broker_identity_unknown',
        message:
          'byo-s3 could not find out its own AWS identity (InvalidClientTokenId), which the role ' +
          'setup names. Try again later; the operator can set BROKER_AWS_PRINCIPAL_ARN.',
      })
      const {rows} = await broker.app.services.pool.query('select * from team_external_ids')
      expect(rows).to.deep.equal([])
    })

    it('names the operator’s principal without asking STS', async () => {
      await broker.app.close()
      const principal = 'arn:aws:iam::444455556666:role/service/byo-s3-broker'
      broker = await startTestBroker({BROKER_AWS_PRINCIPAL_ARN: principal})
      const sts = fakeSts()

      const setup = (await roleSetup(broker)).json()

      expect(setup.brokerPrincipalArn).to.equal(principal)
      expect(setup.trustPolicy.Statement[0].Principal).to.deep.equal({AWS: principal})
      expect(sts.calls).to.deep.equal([])
    })

    it('is for team admins only', async () => {
      fakeSts()

      const response = await roleSetup(broker, {}, 'member')

      expect(response.statusCode).to.equal(403)
      expect(response.json().id).to.equal('not_team_admin')
    })
  })

  describe('linking the role', () => {
    it('assumes the role, proves the External ID is required, dry-runs its permissions and stores no secret', async () => {
      const sts = fakeSts({roles: [acmeRole(requiredExternalId)]})
      const simulator = fakeSimulator()
      await setUpRole()

      const response = await putLink(broker, {roleArn: TEAM_ROLE_ARN})

      expect(response.statusCode, response.body).to.equal(200)
      const link = response.json()
      expect(link).to.include({
        kind: 'role',
        roleArn: TEAM_ROLE_ARN,
        accessKeyId: null,
        awsAccountId: ACCOUNT_ID,
        created: true,
      })
      expect(link.verification).to.include({permissionsChecked: true, reason: null})
      expect(link.verification.missing).to.deep.equal([])
      expect(link.verification.permissions).to.deep.include({
        action: 'iam:CreateUser',
        resource: `arn:aws:iam::${ACCOUNT_ID}:user/byo-s3/*`,
        allowed: true,
        recommended: false,
      })
      expect(response.body).not.to.contain(externalId)
      expect(await storedLink(broker)).to.deep.equal([
        {
          kind: 'role',
          role_arn: TEAM_ROLE_ARN,
          access_key_id: null,
          secret_access_key_sealed: null,
        },
      ])
      const assumed = sts.assumed()
      expect(assumed.map((call) => [call.signedBy, call.params.ExternalId])).to.deep.equal([
        [BROKER_CREDENTIALS.accessKeyId, externalId],
        [BROKER_CREDENTIALS.accessKeyId, undefined],
      ])
      expect(assumed[0].params.RoleSessionName).to.equal('byo-s3-9c3b2a1d')
      // The simulator is asked about the role itself, by the role's session.
      expect(simulator).to.have.length(4)
      for (const call of simulator) {
        expect(call.params.PolicySourceArn).to.equal(TEAM_ROLE_ARN)
        expect(call.signedBy).to.match(/^ASIASESSION/)
      }
    })

    it('lists the permissions the role lacks', async () => {
      fakeSts({roles: [acmeRole(requiredExternalId)]})
      fakeSimulator(['s3:PutBucketPolicy', 'iam:CreateAccessKey'])
      await setUpRole()

      const response = await putLink(broker, {roleArn: TEAM_ROLE_ARN})

      expect(response.statusCode).to.equal(200)
      expect(response.json().verification.missing).to.deep.equal([
        's3:PutBucketPolicy',
        'iam:CreateAccessKey',
      ])
    })

    const refusedAssumeRole: [string, () => ReturnType<typeof acmeRole>[]][] = [
      ['its trust policy requires another External ID', () => [acmeRole(() => 'someone-else')]],
      [
        'its trust policy names another principal',
        () => [acmeRole(requiredExternalId, 'arn:aws:iam::999988887777:role/other')],
      ],
      ['the role does not exist', () => []],
    ]
    for (const [why, roles] of refusedAssumeRole) {
      it(`says what to check in the role when ${why}, and stores nothing`, async () => {
        fakeSts({roles: roles()})
        await setUpRole()

        const response = await putLink(broker, {roleArn: TEAM_ROLE_ARN})

        expect(response.statusCode).to.equal(422)
        expect(response.json()).to.deep.equal({
          id: 'role_not_assumable',
          message:
            `AWS refused to let byo-s3 assume ${TEAM_ROLE_ARN} (AccessDenied). Check that the role ` +
            `exists in account ${ACCOUNT_ID}, that its trust policy allows the principal ` +
            `${BROKER_ROLE_ARN}, and that it requires sts:ExternalId ${externalId}. heroku ` +
            'byo-s3:link --print-role-setup prints the trust policy to use.',
        })
        expect(await storedLink(broker)).to.deep.equal([])
      })
    }

    it('refuses a role any byo-s3 team could assume, without the External ID', async () => {
      fakeSts({roles: [acmeRole(() => null)]})
      await setUpRole()

      const response = await putLink(broker, {roleArn: TEAM_ROLE_ARN})

      expect(response.statusCode).to.equal(422)
      expect(response.json().id).to.equal('external_id_not_required')
      expect(response.json().message).to.contain('another Heroku team could link the same role')
      expect(await storedLink(broker)).to.deep.equal([])
    })

    it('refuses a malformed role ARN before asking AWS anything', async () => {
      const sts = fakeSts()
      herokuKnowsUser('admin')

      const response = await putLink(broker, {roleArn: 'arn:aws:iam::1234:user/not-a-role'})

      expect(response.statusCode).to.equal(422)
      expect(response.json()).to.deep.include({id: 'invalid_role_arn'})
      expect(response.json().message).to.contain('is not an IAM role ARN')
      expect(sts.calls).to.deep.equal([])
    })

    it('refuses a role before the team has an External ID, naming the command that makes one', async () => {
      const sts = fakeSts({roles: [acmeRole(requiredExternalId)]})

      const response = await putLink(broker, {roleArn: TEAM_ROLE_ARN})

      expect(response.statusCode).to.equal(409)
      expect(response.json()).to.deep.include({id: 'no_external_id'})
      expect(response.json().message).to.contain(
        'heroku byo-s3:link --team acme --print-role-setup',
      )
      expect(sts.calls).to.deep.equal([])
    })

    it('refuses keys and a role together, and neither', async () => {
      const both = await putLink(broker, {...LINKED_CREDENTIALS, roleArn: TEAM_ROLE_ARN})
      const neither = await putLink(broker, {region: 'eu-west-1'})

      expect([both.statusCode, both.json().id]).to.deep.equal([422, 'keys_and_role'])
      expect([neither.statusCode, neither.json().id]).to.deep.equal([422, 'no_credentials'])
    })
  })

  describe('switching between keys and a role', () => {
    it('drops the stored secret for a role, and forgets the role for keys', async () => {
      fakeSts({roles: [acmeRole(requiredExternalId)]})
      fakeSimulator()
      expect((await putLink(broker)).statusCode).to.equal(200)
      await setUpRole()

      const toRole = await putLink(broker, {roleArn: TEAM_ROLE_ARN})
      const roleRows = await storedLink(broker)
      const toKeys = await putLink(broker)

      expect(toRole.json()).to.include({kind: 'role', created: false})
      expect(roleRows).to.deep.equal([
        {
          kind: 'role',
          role_arn: TEAM_ROLE_ARN,
          access_key_id: null,
          secret_access_key_sealed: null,
        },
      ])
      expect(toKeys.json()).to.include({
        kind: 'keys',
        roleArn: null,
        accessKeyId: 'AKIA************MPLE',
      })
      const [keys] = await storedLink(broker)
      expect(keys).to.include({
        kind: 'keys',
        role_arn: null,
        access_key_id: LINKED_CREDENTIALS.accessKeyId,
      })
      expect(broker.config.keyRing.unseal(keys.secret_access_key_sealed)).to.equal(
        LINKED_CREDENTIALS.secretAccessKey,
      )
    })
  })

  describe('showing and verifying a role link', () => {
    let simulator: ReturnType<typeof fakeSimulator>

    beforeEach(async () => {
      fakeSts({roles: [acmeRole(requiredExternalId)]})
      await setUpRole()
      simulator = fakeSimulator()
      expect((await putLink(broker, {roleArn: TEAM_ROLE_ARN})).statusCode).to.equal(200)
    })

    it('shows the kind and role ARN, and keeps the External ID out', async () => {
      herokuKnowsUser('member')

      const response = await broker.app.inject({
        method: 'GET',
        url: '/admin/teams/acme/link',
        headers: {authorization: `Bearer ${USER_TOKEN}`},
      })

      expect(response.json()).to.include({kind: 'role', roleArn: TEAM_ROLE_ARN, accessKeyId: null})
      expect(response.body).not.to.contain(externalId)
    })

    it('verifies through the role and simulates the role’s own policy', async () => {
      const before = simulator.length
      herokuKnowsUser('admin')

      const response = await broker.app.inject({
        method: 'POST',
        url: '/admin/teams/acme/verify',
        headers: {authorization: `Bearer ${USER_TOKEN}`},
      })

      expect(response.statusCode).to.equal(200)
      expect(response.json()).to.include({
        kind: 'role',
        roleArn: TEAM_ROLE_ARN,
        arn: 'arn:aws:sts::111122223333:assumed-role/byo-s3-acme/byo-s3-9c3b2a1d',
        permissionsChecked: true,
      })
      expect(response.body).not.to.contain(externalId)
      const calls = simulator.slice(before)
      expect(calls.map((call) => call.params.PolicySourceArn)).to.deep.equal(
        Array(4).fill(TEAM_ROLE_ARN),
      )
    })
  })
})
