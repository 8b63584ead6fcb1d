import {expect} from 'chai'

import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {LINKED_CREDENTIALS} from '../helpers/aws-fakes.js'
import {acmeRole, fakeSts, TEAM_ROLE_ARN} from '../helpers/aws-fake-sts.js'
import {fakeSimulator, putLink, roleSetup} from '../helpers/role-link.js'
import {
  deprovision,
  herokuAcceptsConfig,
  provisionForAcme,
  runDeprovision,
  runProvision,
  stateOf,
} from '../helpers/slice.js'

type Signed = {headers: Record<string, string>; operation: string}

// The app's own new key, which only the readiness probes use.
const APP_KEY = 'AKIANEWAPPKEY0000001'

function signerOf({headers}: Signed): string {
  return /Credential=([A-Z0-9]+)\//.exec(headers.authorization)![1]
}

/** The access key ids the broker signed with for the team, apart from the app's probes. */
function signers(requests: Signed[]): string[] {
  const team = requests.filter((request) => signerOf(request) !== APP_KEY)
  return [...new Set(team.map(signerOf))]
}

describe('the whole path through a role: link it, provision, switch kinds, deprovision', () => {
  let broker: TestBroker
  let externalId: string | null = null

  beforeEach(async () => {
    broker = await startTestBroker()
  })

  afterEach(() => broker.app.close())

  function awsFakes() {
    const sts = fakeSts({roles: [acmeRole(() => externalId)]})
    fakeSimulator()
    return sts
  }

  async function linkRole() {
    externalId = (await roleSetup(broker)).json().externalId
    const response = await putLink(broker, {roleArn: TEAM_ROLE_ARN})
    expect(response.statusCode, response.body).to.equal(200)
  }

  async function provision() {
    const made = await provisionForAcme(broker, {region: 'eu-west-1'})
    herokuAcceptsConfig(made.uuid)
    await runProvision(broker, made.uuid)
    expect((await stateOf(broker, made.uuid)).state).to.equal('provisioned')
    return made
  }

  async function deprovisionNow(uuid: string) {
    expect((await deprovision(broker, uuid)).statusCode).to.equal(204)
    await runDeprovision(broker, uuid)
    expect((await stateOf(broker, uuid)).state).to.equal('deprovisioned')
  }

  it('provisions and deprovisions with one session of the role, never with stored keys', async () => {
    const sts = awsFakes()
    await linkRole()

    const {uuid, s3, users} = await provision()
    const made = s3.requests.length
    await deprovisionNow(uuid)

    expect(signers(s3.requests)).to.deep.equal(['ASIASESSION000000001'])
    const probes = s3.requests.filter((request) => signerOf(request) === APP_KEY)
    expect(new Set(probes.map((probe) => probe.operation))).to.deep.equal(
      new Set(['ListObjectsV2']),
    )
    for (const request of s3.requests.filter((request) => !probes.includes(request))) {
      expect(request.headers['x-amz-security-token']).to.equal('session-token-1')
    }
    expect(s3.requests.length).to.be.greaterThan(made)
    expect(s3.requests.at(-1)!.operation).to.equal('DeleteBucket')
    expect(users.size).to.equal(0)
    // Session secrets are as secret as keys: never logged.
    const log = broker.logLines.join('\n')
    expect(log).to.contain(uuid)
    expect(log).not.to.contain('session-secret-')
    expect(log).not.to.contain('session-token-')
    // Linking asked once with the External ID and once without; the jobs reused the session.
    expect(sts.assumed().map((call) => call.params.ExternalId)).to.deep.equal([
      externalId,
      undefined,
    ])
  })

  it('deprovisions a bucket made with keys through the role linked since', async () => {
    awsFakes()
    expect((await putLink(broker)).statusCode).to.equal(200)
    const {uuid, s3} = await provision()
    const made = s3.requests.length
    await linkRole()

    await deprovisionNow(uuid)

    expect(signers(s3.requests.slice(0, made))).to.deep.equal([LINKED_CREDENTIALS.accessKeyId])
    expect(signers(s3.requests.slice(made))).to.deep.equal(['ASIASESSION000000001'])
    expect(s3.requests.at(-1)!.operation).to.equal('DeleteBucket')
  })

  it('deprovisions a bucket made through a role with the keys linked since', async () => {
    awsFakes()
    await linkRole()
    const {uuid, s3} = await provision()
    const made = s3.requests.length
    expect((await putLink(broker)).statusCode).to.equal(200)

    await deprovisionNow(uuid)

    expect(signers(s3.requests.slice(0, made))).to.deep.equal(['ASIASESSION000000001'])
    expect(signers(s3.requests.slice(made))).to.deep.equal([LINKED_CREDENTIALS.accessKeyId])
  })
})
