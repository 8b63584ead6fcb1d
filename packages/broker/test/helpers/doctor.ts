import {randomUUID} from 'node:crypto'
import nock from 'nock'
import {ADDON_UUID_TAG, MANAGED_BY_TAG, RETAINED_TAG, TEAM_ID_TAG} from '../../src/aws/tags.js'
import type {TestBroker} from './app.js'
import {S3_GLOBAL_URL} from './aws-fake-account.js'
import {bucketState, type FakeBucket, fakeBucketListing} from './aws-fake-bucket.js'
import {iamUser, type FakeIamUsers} from './aws-fake-iam.js'
import {TEAM, USER_TOKEN} from './heroku.js'
import {provisionedAddon} from './rotation.js'

const S3_GLOBAL_HOST = new URL(S3_GLOBAL_URL).hostname

/** The tags byo-s3 puts on a team's bucket or user, for an add-on the database may not know. */
export function ourTags(
  addonId: string = randomUUID(),
  teamId = TEAM.id,
  extra: Record<string, string> = {},
) {
  return {[MANAGED_BY_TAG]: 'byo-s3', [ADDON_UUID_TAG]: addonId, [TEAM_ID_TAG]: teamId, ...extra}
}

export function retainedTags(addonId: string = randomUUID()) {
  return ourTags(addonId, TEAM.id, {[RETAINED_TAG]: '2026-11-01T00:00:00.000Z'})
}

/** A bucket in us-east-1 with the settings S3 gives a new one, and these tags. */
export function someBucket(tags: Record<string, string>, overrides: Partial<FakeBucket> = {}) {
  return bucketState({location: 'us-east-1', tags, ...overrides})
}

/**
 * A provisioned add-on of team acme, with AWS faked for what follows: its buckets and users
 * are in `buckets` and `users`, and S3 lists the account's buckets from the same map.
 */
export async function doctorFixture(
  broker: TestBroker,
  {refusedKeys}: {refusedKeys?: string[]} = {},
) {
  const addon = await provisionedAddon(broker)
  const buckets = addon.s3.buckets
  const users: FakeIamUsers = addon.users
  // The provisioning's quota check had its own ListBuckets answer; the doctor lists these.
  while (
    nock.removeInterceptor({proto: 'https', hostname: S3_GLOBAL_HOST, path: '/', method: 'GET'})
  );
  const listing = fakeBucketListing(buckets, {refusedKeys})
  const bucketName = [...buckets.keys()][0]
  return {
    addon,
    buckets,
    users,
    listings: listing.requests,
    listingPageSize: listing.setPageSize,
    bucketName,
    bucket: () => buckets.get(bucketName)!,
  }
}

export function orphanUser(tags: Record<string, string>, keys = ['AKIAORPHANKEY0000001']) {
  return iamUser({
    tags,
    accessKeys: keys,
    inlinePolicies: {'byo-s3-bucket-access': '{}'},
  })
}

export function doctor(broker: TestBroker, {fix = false, team = 'acme'} = {}) {
  return broker.app.inject({
    method: fix ? 'POST' : 'GET',
    url: `/admin/teams/${team}/doctor${fix ? '/fix' : ''}`,
    headers: {authorization: `Bearer ${USER_TOKEN}`},
  })
}
