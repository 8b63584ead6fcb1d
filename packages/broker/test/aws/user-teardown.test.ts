import {expect} from 'chai'

import {deleteUser} from '../../src/aws/deprovision.js'
import {LINKED_CREDENTIALS, testClients} from '../helpers/aws-fakes.js'
import {fakeIam, type FakeIamUsers, iamUser} from '../helpers/aws-fake-iam.js'
import {queryError} from '../helpers/aws-xml.js'

const USER_NAME = 'byo-s3-01234567-89ab-cdef-0123-456789abcdef'
const MANAGED_POLICY = 'arn:aws:iam::111122223333:policy/extra-read'

function usersWith(overrides: Parameters<typeof iamUser>[0]): FakeIamUsers {
  return new Map([[USER_NAME, iamUser(overrides)]])
}

const conflict = {
  status: 409,
  body: queryError('DeleteConflict', 'Cannot delete entity, must delete access keys first.'),
}

describe('deleteUser', () => {
  it('removes access keys, inline policies and managed policies, then the user', async () => {
    const users = usersWith({
      accessKeys: ['AKIAAPPKEY0000000001', 'AKIAAPPKEY0000000002'],
      inlinePolicies: {'byo-s3-bucket-access': '{}'},
      managedPolicies: [MANAGED_POLICY],
    })
    const calls = fakeIam(users)

    await deleteUser(testClients(), LINKED_CREDENTIALS, USER_NAME)

    expect(
      calls.map(({Action, AccessKeyId, PolicyName, PolicyArn}) => [
        Action,
        AccessKeyId ?? PolicyName ?? PolicyArn,
      ]),
    ).to.deep.equal([
      ['ListAccessKeys', undefined],
      ['DeleteAccessKey', 'AKIAAPPKEY0000000001'],
      ['DeleteAccessKey', 'AKIAAPPKEY0000000002'],
      ['ListUserPolicies', undefined],
      ['DeleteUserPolicy', 'byo-s3-bucket-access'],
      ['ListAttachedUserPolicies', undefined],
      ['DetachUserPolicy', MANAGED_POLICY],
      ['DeleteUser', undefined],
    ])
    for (const call of calls) expect(call.UserName).to.equal(USER_NAME)
    expect(users.has(USER_NAME)).to.equal(false)
  })

  it('counts a user that no longer exists as deleted', async () => {
    const calls = fakeIam(new Map())

    await deleteUser(testClients(), LINKED_CREDENTIALS, USER_NAME)

    expect(calls.map((call) => call.Action)).to.deep.equal(['ListAccessKeys'])
  })

  it('carries on when a key vanishes between listing and deleting it', async () => {
    const users = usersWith({accessKeys: ['AKIAAPPKEY0000000001']})
    const calls = fakeIam(users, {
      DeleteAccessKey: (_params, user) => {
        user!.accessKeys = []
        return {
          status: 404,
          body: queryError(
            'NoSuchEntity',
            'The Access Key with id AKIAAPPKEY0000000001 cannot be found.',
          ),
        }
      },
    })

    await deleteUser(testClients(), LINKED_CREDENTIALS, USER_NAME)

    expect(users.has(USER_NAME)).to.equal(false)
    expect(calls.at(-1)?.Action).to.equal('DeleteUser')
  })

  it('lists again when something was attached while it was deleting', async () => {
    const users = usersWith({accessKeys: ['AKIAAPPKEY0000000001']})
    let conflicts = 0
    const calls = fakeIam(users, {
      DeleteUser: (_params, user) => {
        if (conflicts > 0) return undefined

        conflicts++
        user!.accessKeys.push('AKIALATEKEY000000001')
        return conflict
      },
    })

    await deleteUser(testClients(), LINKED_CREDENTIALS, USER_NAME)

    expect(users.has(USER_NAME)).to.equal(false)
    expect(
      calls.filter((call) => call.Action === 'DeleteAccessKey').map((call) => call.AccessKeyId),
    ).to.deep.equal(['AKIAAPPKEY0000000001', 'AKIALATEKEY000000001'])
  })

  it('gives up after three rounds of conflicts', async () => {
    const calls = fakeIam(usersWith({}), {DeleteUser: () => conflict})

    const error = await deleteUser(testClients(), LINKED_CREDENTIALS, USER_NAME).catch(
      (e: unknown) => e,
    )

    expect(error).to.have.property('Code', 'DeleteConflict')
    expect(calls.filter((call) => call.Action === 'DeleteUser')).to.have.length(3)
  })
})
