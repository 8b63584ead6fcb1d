import {deleteAccessKey, maskKeyId} from '../aws/access-keys.js'
import type {AwsClients, AwsCredentials} from '../aws/clients.js'
import type {Inventory} from '../aws/owned-resources.js'
import {ADDON_UUID_TAG, RETAINED_TAG} from '../aws/tags.js'
import {deleteUser} from '../aws/user-teardown.js'
import type {Resource} from '../storage/resources.js'
import type {Rotation} from '../storage/rotations.js'
import {finding, type Inspected} from './findings.js'

export interface TeamState {
  /** The team's add-ons that are provisioning, provisioned or deprovisioning. */
  live: Resource[]
  /** Every add-on a tag in the account names, whatever its state or team. */
  named: Map<string, Resource>
  rotations: Rotation[]
}

interface Aws {
  clients: AwsClients
  credentials: AwsCredentials
}

/**
 * Resources tagged for the team that no live add-on has. A retained bucket is listed as such;
 * the keys of a running rotation, and whatever belongs to an add-on still being provisioned or
 * deprovisioned, are never orphans. Users and keys are safe to delete; buckets hold data and
 * are only reported.
 */
export function orphansIn(inventory: Inventory, team: TeamState, aws: Aws): Inspected[] {
  const liveBuckets = new Set(team.live.map(({bucketName}) => bucketName))
  const liveUsers = new Map(team.live.map((resource) => [resource.iamUserName, resource]))

  const buckets = inventory.buckets
    .filter(({name}) => !liveBuckets.has(name))
    .map(({name, tags}) => {
      const addonId = tags[ADDON_UUID_TAG] ?? null
      if (tags[RETAINED_TAG]) {
        return finding({
          kind: 'retained',
          resource: 'bucket',
          name,
          addonId,
          problem: `Kept when its add-on was deprovisioned, on ${tags[RETAINED_TAG]}.`,
          action: 'Nothing to do; delete it in the S3 console once its data is no longer needed.',
        })
      }

      return finding({
        kind: 'orphan',
        resource: 'bucket',
        name,
        addonId,
        problem: `Tagged as byo-s3's for this team, but ${whose(addonId, team)}.`,
        action:
          'byo-s3 never deletes a bucket that may hold data: empty and delete it in the S3 ' +
          'console if nobody needs it, or keep it.',
      })
    })

  const users = inventory.users.flatMap((user): Inspected[] => {
    const owner = liveUsers.get(user.userName)
    if (!owner) {
      const addonId = user.tags[ADDON_UUID_TAG] ?? null
      return [
        finding(
          {
            kind: 'orphan',
            resource: 'user',
            name: user.userName,
            addonId,
            problem:
              `Tagged as byo-s3's for this team, with ${user.accessKeyIds.length} access ` +
              `key(s), but ${whose(addonId, team)}.`,
            action: 'Delete it with its keys and policies: run doctor with --fix.',
          },
          async () => {
            await deleteUser(aws.clients, aws.credentials, user.userName)
            return `Deleted user ${user.userName} with its keys and policies.`
          },
        ),
      ]
    }

    // A user whose tags someone removed is no longer ours to change, even if an add-on has it.
    return user.tagged ? strayKeys(user.userName, user.accessKeyIds, owner, team, aws) : []
  })

  return [...buckets, ...users]
}

/**
 * Keys of a live add-on's user other than the one the app uses. Only a provisioned add-on
 * without a running rotation is judged: otherwise a key may be one a job has just made.
 */
function strayKeys(
  userName: string,
  keyIds: string[],
  owner: Resource,
  team: TeamState,
  aws: Aws,
): Inspected[] {
  if (owner.state !== 'provisioned') return []
  if (team.rotations.some(({addonId}) => addonId === owner.id)) return []

  return keyIds
    .filter((keyId) => keyId !== owner.appAccessKeyId)
    .map((keyId) =>
      finding(
        {
          kind: 'orphan',
          resource: 'key',
          name: maskKeyId(keyId),
          addonId: owner.id,
          problem: `A key of user ${userName} that the add-on's app does not use.`,
          action: 'Delete it: run doctor with --fix.',
        },
        async () => {
          await deleteAccessKey(aws.clients.iam(aws.credentials), userName, keyId)
          return `Deleted access key ${maskKeyId(keyId)} of user ${userName}.`
        },
      ),
    )
}

function whose(addonId: string | null, team: TeamState): string {
  const addon = addonId === null ? undefined : team.named.get(addonId)
  if (!addon) return 'the broker has no add-on of that id'

  const reason = addon.failureReason ? ` (${addon.failureReason})` : ''
  return `its add-on ${addon.id} is ${addon.state}${reason}`
}

/**
 * What a live, provisioned add-on should have and AWS does not. None has a safe fix: the app's
 * data or credentials are gone, and only the team can say what to make of that.
 */
export function missingIn(
  inventory: Inventory,
  team: TeamState,
  existingBuckets: Set<string>,
): Inspected[] {
  const users = new Map(inventory.users.map((user) => [user.userName, user]))
  return team.live
    .filter(({state}) => state === 'provisioned')
    .flatMap((addon) => {
      const found: Inspected[] = []
      const recreate =
        'Recreate the add-on (heroku addons:destroy, then heroku addons:create byo-s3), ' +
        'after saving what the app still needs.'
      if (addon.bucketName && !existingBuckets.has(addon.bucketName)) {
        found.push(
          finding({
            kind: 'missing',
            resource: 'bucket',
            name: addon.bucketName,
            addonId: addon.id,
            problem: 'The add-on is provisioned, but its bucket is not in the AWS account.',
            action: recreate,
          }),
        )
      }

      const user = addon.iamUserName ? users.get(addon.iamUserName) : undefined
      if (addon.iamUserName && !inventory.userNames.has(addon.iamUserName)) {
        found.push(
          finding({
            kind: 'missing',
            resource: 'user',
            name: addon.iamUserName,
            addonId: addon.id,
            problem: 'The add-on is provisioned, but its IAM user is not in the AWS account.',
            action: recreate,
          }),
        )
      } else if (
        user &&
        addon.appAccessKeyId &&
        !user.accessKeyIds.includes(addon.appAccessKeyId)
      ) {
        found.push(
          finding({
            kind: 'missing',
            resource: 'key',
            name: maskKeyId(addon.appAccessKeyId),
            addonId: addon.id,
            problem: `The app's access key is no longer a key of user ${addon.iamUserName}.`,
            action: `Issue the app a new key: heroku byo-s3:credentials:rotate -a ${addon.appName} ${addon.name}.`,
          }),
        )
      }

      return found
    })
}
