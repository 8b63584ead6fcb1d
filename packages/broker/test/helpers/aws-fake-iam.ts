import {accountSummary} from './aws-fake-account.js'
import {fakeQueryApi, type FakeReply, IAM_URL} from './aws-fakes.js'
import {elements, queryError, queryResult, tagsOf} from './aws-xml.js'
import {auditSecret} from './log-audit.js'

export {tagsOf}

export interface FakeIamUser {
  path: string
  tags: Record<string, string>
  accessKeys: string[]
  inlinePolicies: Record<string, string>
  managedPolicies: string[]
}

export type FakeIamUsers = Map<string, FakeIamUser>

type Params = Record<string, string>
type Handler = (params: Params, user: FakeIamUser | undefined) => FakeReply
type Override = (params: Params, user: FakeIamUser | undefined) => FakeReply | undefined

/** A new user as CreateUser would leave it. */
export function iamUser(overrides: Partial<FakeIamUser> = {}): FakeIamUser {
  return {
    path: '/byo-s3/',
    tags: {},
    accessKeys: [],
    inlinePolicies: {},
    managedPolicies: [],
    ...overrides,
  }
}

/**
 * A small stand-in for IAM that keeps users in `users`, so tests can check both the calls made
 * and the state they leave behind. An override answers an action differently (e.g. with an
 * error) or returns undefined to let the fake answer as usual.
 */
export function fakeIam(users: FakeIamUsers, overrides: Record<string, Override> = {}): Params[] {
  let issuedKeys = 0
  const ok = (action: string, inner = '') => ({body: queryResult(action, inner)})
  const missing = (name: string) => ({
    status: 404,
    body: queryError('NoSuchEntity', `The user with name ${name} cannot be found.`),
  })

  const handlers: Record<string, Handler> = {
    CreateUser(params, user) {
      if (user) {
        return {status: 409, body: queryError('EntityAlreadyExists', 'User already exists.')}
      }

      users.set(params.UserName, iamUser({path: params.Path, tags: tagsOf(params)}))
      return ok('CreateUser', userXml(params.UserName, params.Path))
    },
    PutUserPolicy(params, user) {
      user!.inlinePolicies[params.PolicyName] = params.PolicyDocument
      return ok('PutUserPolicy')
    },
    ListAccessKeys(params, user) {
      const members = user!.accessKeys.map(
        (id) =>
          `<member>${elements({UserName: params.UserName, AccessKeyId: id, Status: 'Active'})}</member>`,
      )
      return ok(
        'ListAccessKeys',
        `<AccessKeyMetadata>${members.join('')}</AccessKeyMetadata><IsTruncated>false</IsTruncated>`,
      )
    },
    DeleteAccessKey(params, user) {
      if (!user!.accessKeys.includes(params.AccessKeyId)) return missing(params.AccessKeyId)

      user!.accessKeys = user!.accessKeys.filter((id) => id !== params.AccessKeyId)
      return ok('DeleteAccessKey')
    },
    CreateAccessKey(params, user) {
      issuedKeys++
      const accessKeyId = `AKIANEWAPPKEY${String(issuedKeys).padStart(7, '0')}`
      user!.accessKeys.push(accessKeyId)
      auditSecret('app secretAccessKey', `app-secret-${issuedKeys}`)
      const fields = {
        UserName: params.UserName,
        AccessKeyId: accessKeyId,
        Status: 'Active',
        SecretAccessKey: `app-secret-${issuedKeys}`,
        CreateDate: '2026-01-02T03:04:05Z',
      }
      return ok('CreateAccessKey', `<AccessKey>${elements(fields)}</AccessKey>`)
    },
    ListUserPolicies(_params, user) {
      const members = Object.keys(user!.inlinePolicies).map((name) => `<member>${name}</member>`)
      return ok(
        'ListUserPolicies',
        `<PolicyNames>${members.join('')}</PolicyNames><IsTruncated>false</IsTruncated>`,
      )
    },
    DeleteUserPolicy(params, user) {
      if (!(params.PolicyName in user!.inlinePolicies)) return missing(params.PolicyName)

      delete user!.inlinePolicies[params.PolicyName]
      return ok('DeleteUserPolicy')
    },
    ListAttachedUserPolicies(_params, user) {
      const members = user!.managedPolicies.map(
        (arn) => `<member>${elements({PolicyName: arn.split('/').pop(), PolicyArn: arn})}</member>`,
      )
      return ok(
        'ListAttachedUserPolicies',
        `<AttachedPolicies>${members.join('')}</AttachedPolicies><IsTruncated>false</IsTruncated>`,
      )
    },
    DetachUserPolicy(params, user) {
      user!.managedPolicies = user!.managedPolicies.filter((arn) => arn !== params.PolicyArn)
      return ok('DetachUserPolicy')
    },
    ListUserTags(_params, user) {
      const members = Object.entries(user!.tags).map(
        ([Key, Value]) => `<member>${elements({Key, Value})}</member>`,
      )
      return ok('ListUserTags', `<Tags>${members.join('')}</Tags><IsTruncated>false</IsTruncated>`)
    },
    DeleteUser(params, user) {
      const attached =
        user!.accessKeys.length +
        Object.keys(user!.inlinePolicies).length +
        user!.managedPolicies.length
      if (attached > 0) {
        return {
          status: 409,
          body: queryError('DeleteConflict', 'Cannot delete entity, must delete policies first.'),
        }
      }

      users.delete(params.UserName)
      return ok('DeleteUser')
    },
  }

  // ListUsers names no user: it pages through all of them under a path, two to a page here so
  // that paging is exercised.
  function listUsers(params: Params): FakeReply {
    const names = [...users]
      .filter(([, user]) => user.path.startsWith(params.PathPrefix ?? '/'))
      .map(([name]) => name)
      .sort()
      .filter((name) => name > (params.Marker ?? ''))
    const page = names.slice(0, 2)
    const members = page.map((name) => `<member>${userXml(name, users.get(name)!.path)}</member>`)
    const more = names.length > page.length
    return ok(
      'ListUsers',
      `<Users>${members.join('').replaceAll('<User>', '').replaceAll('</User>', '')}</Users>` +
        `<IsTruncated>${more}</IsTruncated>${more ? elements({Marker: page.at(-1)!}) : ''}`,
    )
  }

  return fakeQueryApi(IAM_URL, (params) => {
    if (params.Action === 'ListUsers')
      return overrides.ListUsers?.(params, undefined) ?? listUsers(params)

    const user = users.get(params.UserName)
    const overridden = overrides[params.Action]?.(params, user)
    if (overridden) return overridden

    if (params.Action === 'GetAccountSummary') return accountSummary(users.size)

    const handler = handlers[params.Action]
    if (!handler) return {status: 400, body: queryError('InvalidAction', params.Action)}
    if (!user && params.Action !== 'CreateUser') return missing(params.UserName)

    return handler(params, user)
  })
}

function userXml(userName: string, path: string) {
  const fields = {
    Path: path,
    UserName: userName,
    UserId: 'AIDAEXAMPLEUSERID0001',
    Arn: `arn:aws:iam::111122223333:user${path}${userName}`,
    CreateDate: '2026-01-02T03:04:05Z',
  }
  return `<User>${elements(fields)}</User>`
}
