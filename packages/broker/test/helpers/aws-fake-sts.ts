import nock from 'nock'

import {ACCOUNT_ID, STS_URL} from './aws-fakes.js'
import {elements, queryError, queryResult, STS_NAMESPACE} from './aws-xml.js'
import {auditSecret} from './log-audit.js'

/** The broker's own identity, which init.ts puts in the environment for the default chain. */
export const BROKER_CREDENTIALS = {
  accessKeyId: 'AKIABROKERSELF000001',
  secretAccessKey: 'broker-own-secret-0123456789abcdefghij',
}
auditSecret("the broker's own secretAccessKey", BROKER_CREDENTIALS.secretAccessKey)
export const BROKER_ACCOUNT_ID = '444455556666'
/** The broker runs as a role session, as it does on most AWS compute. */
export const BROKER_SESSION_ARN = `arn:aws:sts::${BROKER_ACCOUNT_ID}:assumed-role/byo-s3-broker/i-0abc123`
export const BROKER_ROLE_ARN = `arn:aws:iam::${BROKER_ACCOUNT_ID}:role/byo-s3-broker`
export const TEAM_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/byo-s3/byo-s3-acme`
export const LINKER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/linker`

export interface FakeRole {
  arn: string
  /** The principal its trust policy allows. */
  trusts: string
  /** The External ID its trust policy requires; null: none required. */
  externalId: () => string | null
}

export interface StsCall {
  action: string
  /** The access key id that signed the request. */
  signedBy: string
  params: Record<string, string>
}

export interface FakeStsOptions {
  roles?: FakeRole[]
  /** How long each session lasts; short ones are renewed at once. */
  sessionMs?: number
}

/**
 * STS as AWS runs it for the broker, the team's role and linked keys: AssumeRole checks the
 * signer against the role's trust policy, and GetCallerIdentity answers for whoever signed.
 */
export function fakeSts({roles = [], sessionMs = 3600_000}: FakeStsOptions = {}) {
  const calls: StsCall[] = []
  const sessions = new Map<string, string>()
  nock(STS_URL)
    .persist()
    .post('/')
    .reply(function (_uri, body) {
      const params = Object.fromEntries(new URLSearchParams(String(body)))
      const signedBy = /Credential=([A-Z0-9]+)\//.exec(this.req.headers.authorization)?.[1] ?? ''
      calls.push({action: params.Action, signedBy, params})
      return answer(params, signedBy)
    })

  function answer(params: Record<string, string>, signedBy: string) {
    if (params.Action === 'GetCallerIdentity') return callerIdentity(signedBy)
    if (params.Action !== 'AssumeRole')
      return reply(400, queryError('InvalidAction', 'no', STS_NAMESPACE))

    const role = roles.find((candidate) => candidate.arn === params.RoleArn)
    const externalId = role?.externalId()
    const trusted =
      role !== undefined &&
      signedBy === BROKER_CREDENTIALS.accessKeyId &&
      [BROKER_ROLE_ARN, BROKER_SESSION_ARN].includes(role.trusts) &&
      (externalId === null || params.ExternalId === externalId)
    if (!trusted) {
      return reply(
        403,
        queryError(
          'AccessDenied',
          `User: ${BROKER_SESSION_ARN} is not authorized to perform: sts:AssumeRole on resource: ${params.RoleArn}`,
          STS_NAMESPACE,
        ),
      )
    }

    auditSecret('session secretAccessKey', `session-secret-${sessions.size + 1}`)
    auditSecret('session token', `session-token-${sessions.size + 1}`)
    const keyId = `ASIASESSION${String(sessions.size + 1).padStart(9, '0')}`
    sessions.set(keyId, `${params.RoleArn}/${params.RoleSessionName}`)
    return reply(
      200,
      queryResult(
        'AssumeRole',
        `<Credentials>${elements({
          AccessKeyId: keyId,
          SecretAccessKey: `session-secret-${sessions.size}`,
          SessionToken: `session-token-${sessions.size}`,
          Expiration: new Date(Date.now() + sessionMs).toISOString(),
        })}</Credentials>`,
        STS_NAMESPACE,
      ),
    )
  }

  function callerIdentity(signedBy: string) {
    const session = sessions.get(signedBy)
    let identity = {Account: ACCOUNT_ID, Arn: LINKER_ARN}
    if (signedBy === BROKER_CREDENTIALS.accessKeyId) {
      identity = {Account: BROKER_ACCOUNT_ID, Arn: BROKER_SESSION_ARN}
    } else if (session) {
      const [, account, name, sessionName] =
        /^arn:aws:iam::(\d+):role\/(?:.*\/)?([^/]+)\/([^/]+)$/.exec(session)!
      identity = {
        Account: account,
        Arn: `arn:aws:sts::${account}:assumed-role/${name}/${sessionName}`,
      }
    }
    return reply(
      200,
      queryResult('GetCallerIdentity', elements({UserId: 'AIDA', ...identity}), STS_NAMESPACE),
    )
  }

  return {
    calls,
    /** AssumeRole calls, in order. */
    assumed: () => calls.filter((call) => call.action === 'AssumeRole'),
  }
}

function reply(status: number, body: string) {
  return [status, body, {'content-type': 'text/xml'}] as const
}

/** The team acme's role, trusting the broker's role with the External ID `externalId()` gives. */
export function acmeRole(externalId: () => string | null, trusts = BROKER_ROLE_ARN): FakeRole {
  return {arn: TEAM_ROLE_ARN, trusts, externalId}
}
