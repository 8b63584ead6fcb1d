import nock from 'nock'
import {type FakeReply, IAM_URL, toResult} from './aws-fakes.js'
import {elements, queryResult} from './aws-xml.js'

/** Where S3 answers ListBuckets for the whole account. */
export const S3_GLOBAL_URL = 'https://s3.us-east-1.amazonaws.com'

/** The GetAccountSummary reply, with the two entries the quota check reads. */
export function accountSummary(users: number, usersQuota = 5000): FakeReply {
  const entries = {Users: users, UsersQuota: usersQuota, Roles: 12, RolesQuota: 1000}
  const members = Object.entries(entries).map(
    ([key, value]) => `<entry>${elements({key, value})}</entry>`,
  )
  return {body: queryResult('GetAccountSummary', `<SummaryMap>${members.join('')}</SummaryMap>`)}
}

/** A ListBuckets page of `count` buckets, with a continuation token when more would follow. */
export function bucketList(count: number, {continued = false} = {}): FakeReply {
  const buckets = Array.from(
    {length: count},
    (_, n) =>
      `<Bucket>${elements({Name: `bucket-${n}`, CreationDate: '2026-01-02T03:04:05.000Z', BucketRegion: 'us-east-1'})}</Bucket>`,
  )
  return {
    body:
      `<?xml version="1.0" encoding="UTF-8"?>` +
      `<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Owner><ID>owner-id</ID></Owner><Buckets>${buckets.join('')}</Buckets>` +
      (continued ? '<ContinuationToken>next-page</ContinuationToken>' : '') +
      `</ListAllMyBucketsResult>`,
  }
}

/** Answers every ListBuckets with `reply` and records each request's query. */
export function fakeBucketList(reply: FakeReply): URLSearchParams[] {
  const calls: URLSearchParams[] = []
  nock(S3_GLOBAL_URL)
    .persist()
    .get('/')
    .query(true)
    .reply((uri) => {
      calls.push(new URL(uri, S3_GLOBAL_URL).searchParams)
      return toResult(reply)
    })
  return calls
}

/**
 * One answer each to the two calls of a quota check, for a link: they are used up by it, so
 * the IAM and S3 fakes a test sets up afterwards answer everything else.
 */
export function accountAnswersOnce(
  summary: FakeReply = accountSummary(3),
  buckets: FakeReply = bucketList(2),
) {
  const isSummary = (body: unknown) =>
    typeof body === 'string'
      ? new URLSearchParams(body).get('Action') === 'GetAccountSummary'
      : (body as Record<string, string>).Action === 'GetAccountSummary'
  const iam = nock(IAM_URL)
    .post('/', isSummary)
    .reply(() => toResult(summary))
  const s3 = nock(S3_GLOBAL_URL)
    .get('/')
    .query(true)
    .reply(() => toResult(buckets))
  return {iam, s3}
}
