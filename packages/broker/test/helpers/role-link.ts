import nock from 'nock'

import type {TestBroker} from './app.js'
import {IAM_URL, LINKED_CREDENTIALS} from './aws-fakes.js'
import {elements, queryResult} from './aws-xml.js'
import {herokuKnowsUser, USER_TOKEN} from './heroku.js'

export interface SimulatorCall {
  signedBy: string
  params: Record<string, string>
}

/** IAM's policy simulator, allowing every action but `denied`; records who asked about whom. */
export function fakeSimulator(denied: string[] = []): SimulatorCall[] {
  const calls: SimulatorCall[] = []
  nock(IAM_URL)
    .persist()
    .post('/', (body) => body.Action === 'SimulatePrincipalPolicy')
    .reply(function (_uri, body) {
      const params = Object.fromEntries(new URLSearchParams(String(body)))
      const signedBy = /Credential=([A-Z0-9]+)\//.exec(this.req.headers.authorization)?.[1] ?? ''
      calls.push({signedBy, params})
      const actions = Object.entries(params)
        .filter(([name]) => name.startsWith('ActionNames.member.'))
        .map(([, action]) => action)
      const members = actions.map(
        (action) =>
          `<member>${elements({
            EvalActionName: action,
            EvalResourceName: params['ResourceArns.member.1'],
            EvalDecision: denied.includes(action) ? 'implicitDeny' : 'allowed',
          })}</member>`,
      )
      const result = `<EvaluationResults>${members.join('')}</EvaluationResults><IsTruncated>false</IsTruncated>`
      return [200, queryResult('SimulatePrincipalPolicy', result), {'content-type': 'text/xml'}]
    })
  return calls
}

const auth = {authorization: `Bearer ${USER_TOKEN}`}

/** An admin asks for the role setup of team acme; STS must be faked by the caller. */
export function roleSetup(
  broker: TestBroker,
  body: object = {},
  role: 'admin' | 'member' = 'admin',
) {
  herokuKnowsUser(role)
  return broker.app.inject({
    method: 'POST',
    url: '/admin/teams/acme/role-setup',
    headers: auth,
    payload: body,
  })
}

/** An admin links team acme with `body`: keys by default, or `{roleArn}`. */
export function putLink(broker: TestBroker, body: object = LINKED_CREDENTIALS) {
  herokuKnowsUser('admin')
  return broker.app.inject({
    method: 'PUT',
    url: '/admin/teams/acme/link',
    headers: auth,
    payload: body,
  })
}

export async function storedLink(broker: TestBroker) {
  const {rows} = await broker.app.services.pool.query(
    'select kind, role_arn, access_key_id, secret_access_key_sealed from team_links',
  )
  return rows
}
