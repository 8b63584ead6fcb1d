import {HeadBucketCommand, paginateListBuckets} from '@aws-sdk/client-s3'
import {paginateListUsers, paginateListUserTags} from '@aws-sdk/client-iam'
import pLimit from 'p-limit'

import {listAccessKeyIds} from './access-keys.js'
import {readBucketTags} from './bucket-tags.js'
import type {AwsClients, AwsCredentials} from './clients.js'
import {isAwsError} from './service-errors.js'
import {MANAGED_BY_TAG, MANAGED_BY_VALUE, TEAM_ID_TAG} from './tags.js'
import {USER_PATH} from './user-setup.js'

// ListBuckets and IAM are global; they answer from us-east-1 whatever the buckets' regions.
const LISTING_REGION = 'us-east-1'
// Few enough parallel calls to stay clear of the account's S3 and IAM request rates.
const PARALLEL_CALLS = 4

export interface ListedBucket {
  name: string
  region: string
}

export interface TaggedBucket extends ListedBucket {
  tags: Record<string, string>
}

export interface ListedUser {
  userName: string
  tags: Record<string, string>
  accessKeyIds: string[]
  /** Tagged as byo-s3's for the team; otherwise listed only because the database names it. */
  tagged: boolean
}

export interface Inventory {
  /** Every bucket of the account whose name starts with the prefix, tagged or not. */
  bucketNames: Set<string>
  /** Those of them tagged as byo-s3's for the team. */
  buckets: TaggedBucket[]
  /** Every IAM user under byo-s3's path, tagged or not. */
  userNames: Set<string>
  /** Those of them tagged as byo-s3's for the team, or named in `knownUsers`, with their keys. */
  users: ListedUser[]
}

export interface InventoryScope {
  accountId: string
  teamId: string
  bucketPrefix: string
  /** Where a bucket is when S3's listing does not say. */
  regionOf: (bucketName: string) => string
  /** Users the database gives the team, whose keys are read even if their tags were removed. */
  knownUsers: Set<string>
}

/**
 * What the account holds that byo-s3 made for one team. Only buckets with the team's prefix and
 * users under byo-s3's path are looked at more closely, so the number of calls grows with what
 * is ours, not with the account; a resource without our tags and the team's id is left out.
 */
export async function inventoryOf(
  clients: AwsClients,
  credentials: AwsCredentials,
  scope: InventoryScope,
): Promise<Inventory> {
  const limit = pLimit(PARALLEL_CALLS)

  const listed = await listBuckets(clients, credentials, scope)
  const tagged = await Promise.all(
    listed.map((bucket) => limit(() => bucketWithTags(clients, credentials, scope, bucket))),
  )
  const userNames = await listUserNames(clients, credentials)
  const users = await Promise.all(
    userNames.map((userName) => limit(() => userWithKeys(clients, credentials, scope, userName))),
  )
  return {
    bucketNames: new Set(listed.map(({name}) => name)),
    buckets: tagged.filter(
      (bucket): bucket is TaggedBucket => bucket !== undefined && isOurs(bucket.tags, scope.teamId),
    ),
    userNames: new Set(userNames),
    users: users.filter(
      (user): user is ListedUser & {known: boolean} =>
        user !== undefined && (user.tagged || user.known),
    ),
  }
}

function isOurs(tags: Record<string, string>, teamId: string): boolean {
  return tags[MANAGED_BY_TAG] === MANAGED_BY_VALUE && tags[TEAM_ID_TAG] === teamId
}

async function listBuckets(
  clients: AwsClients,
  credentials: AwsCredentials,
  scope: InventoryScope,
): Promise<ListedBucket[]> {
  const s3 = clients.s3(credentials, LISTING_REGION)
  const buckets: ListedBucket[] = []
  const pages = paginateListBuckets(
    {client: s3, pageSize: 1000},
    {Prefix: scope.bucketPrefix, MaxBuckets: 1000},
  )
  for await (const page of pages) {
    for (const {Name: name, BucketRegion: region} of page.Buckets ?? []) {
      // The prefix is matched again: an S3-compatible service may ignore the parameter.
      if (name?.startsWith(scope.bucketPrefix)) {
        buckets.push({name, region: region ?? scope.regionOf(name)})
      }
    }
  }

  return buckets
}

async function bucketWithTags(
  clients: AwsClients,
  credentials: AwsCredentials,
  scope: InventoryScope,
  bucket: ListedBucket,
): Promise<TaggedBucket | undefined> {
  const s3 = clients.s3(credentials, bucket.region)
  try {
    const tags = await readBucketTags(s3, {
      Bucket: bucket.name,
      ExpectedBucketOwner: scope.accountId,
    })
    return {...bucket, tags}
  } catch (error) {
    // Deleted since the listing.
    if (isAwsError(error, 'NoSuchBucket')) return undefined

    throw error
  }
}

async function listUserNames(clients: AwsClients, credentials: AwsCredentials) {
  const names: string[] = []
  const pages = paginateListUsers({client: clients.iam(credentials)}, {PathPrefix: USER_PATH})
  for await (const page of pages) {
    for (const user of page.Users ?? []) if (user.UserName) names.push(user.UserName)
  }

  return names
}

async function userWithKeys(
  clients: AwsClients,
  credentials: AwsCredentials,
  scope: InventoryScope,
  userName: string,
): Promise<(ListedUser & {known: boolean}) | undefined> {
  const iam = clients.iam(credentials)
  try {
    const tags: Record<string, string> = {}
    for await (const page of paginateListUserTags({client: iam}, {UserName: userName})) {
      for (const {Key, Value} of page.Tags ?? []) if (Key) tags[Key] = Value ?? ''
    }

    const known = scope.knownUsers.has(userName)
    const ours = isOurs(tags, scope.teamId)
    const accessKeyIds = ours || known ? await listAccessKeyIds(iam, userName) : []
    return {userName, tags, accessKeyIds, tagged: ours, known}
  } catch (error) {
    // Deleted since the listing.
    if (isAwsError(error, 'NoSuchEntity')) return undefined

    throw error
  }
}

/** Whether the bucket exists in the account; for buckets the prefix listing could not show. */
export async function bucketExists(
  clients: AwsClients,
  credentials: AwsCredentials,
  bucket: ListedBucket & {accountId: string},
): Promise<boolean> {
  try {
    await clients
      .s3(credentials, bucket.region)
      .send(new HeadBucketCommand({Bucket: bucket.name, ExpectedBucketOwner: bucket.accountId}))
    return true
  } catch (error) {
    if (isAwsError(error, 'NotFound', 'NoSuchBucket')) return false

    throw error
  }
}
