import nock from 'nock'
import {
  ACCOUNT_ID,
  fakeS3,
  type FakeReply,
  s3BucketUrl,
  type S3Request,
  toResult,
} from './aws-fakes.js'
import {
  deletedObjects,
  elements,
  deleteObjectsResultXml,
  encryptionXml,
  listMultipartUploadsXml,
  listObjectsV2Xml,
  listObjectVersionsXml,
  objectLockXml,
  ownershipControlsXml,
  PUBLIC_ACCESS_FLAGS,
  type PublicAccessFlags,
  publicAccessBlockXml,
  s3Error,
  sentTags,
  taggingXml,
  versioningXml,
  type VersionEntry,
  xmlTexts,
} from './aws-xml.js'
import {s3Operation} from './s3-operation.js'

export {s3Operation}

export interface FakeBucket {
  exists: boolean
  versions: VersionEntry[]
  deleteMarkers: VersionEntry[]
  uploads: {key: string; uploadId: string}[]
  /** Keys (all their versions) that fail with `InternalError` in this many more DeleteObjects calls. */
  failingDeletes: Map<string, number>
  /** How many entries one ListObjectVersions page holds (S3 allows up to 1,000). */
  pageSize: number
  /** Versions that land just before the first DeleteBucket, as a straggling writer's would. */
  lateWrites: VersionEntry[]
  /** The content of each key's latest PutObject. */
  bodies: Map<string, string>
  /** No tags at all is what S3 answers with NoSuchTagSet. */
  tags: Record<string, string>
  /** The AWS account that owns the bucket; a request expecting another owner gets 403. */
  owner: string
  /** The bucket's region, once known: requests sent to another region's host are redirected. */
  location?: string
  /** Unset settings are answered with the 404 S3 sends for a bucket without them. */
  publicAccessBlock?: PublicAccessFlags
  objectOwnership?: string
  encryption?: string
  kmsKeyId?: string
  bucketKeyEnabled: boolean
  policy?: string
  /** The bodies of the last PutBucketLifecycleConfiguration and PutBucketCors, as sent. */
  lifecycle?: string
  cors?: string
  objectLock: boolean
  versioning?: 'Enabled' | 'Suspended'
  mfaDelete: boolean
  /** The account's own Block Public Access refuses public bucket policies. */
  accountBlocksPublicPolicy: boolean
  /**
   * Replies that stand in for the fake's own, by operation name (see `s3Operation`). A single
   * reply answers every call; a list answers calls in turn, `null` letting the fake answer that
   * one, and once used up the fake answers as usual.
   */
  overrides: Record<string, FakeReply | (FakeReply | null)[]>
}

const ALL_PUBLIC_ACCESS_BLOCKED: PublicAccessFlags = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
}

export function bucketState(overrides: Partial<FakeBucket> = {}): FakeBucket {
  return {
    exists: true,
    versions: [],
    deleteMarkers: [],
    uploads: [],
    failingDeletes: new Map(),
    pageSize: 1000,
    lateWrites: [],
    bodies: new Map(),
    tags: {},
    // What S3 applies to every new bucket since 2023.
    publicAccessBlock: {...ALL_PUBLIC_ACCESS_BLOCKED},
    objectOwnership: 'BucketOwnerEnforced',
    encryption: 'AES256',
    bucketKeyEnabled: false,
    owner: ACCOUNT_ID,
    objectLock: false,
    versioning: 'Enabled',
    mfaDelete: false,
    accountBlocksPublicPolicy: false,
    overrides: {},
    ...overrides,
  }
}

/** `count` versions of `prefix-N` keys, two versions per key. */
export function manyVersions(prefix: string, count: number): VersionEntry[] {
  return Array.from({length: count}, (_, n) => ({
    key: `${prefix}-${String(Math.floor(n / 2)).padStart(5, '0')}`,
    versionId: `v${n % 2}-${n}`,
  }))
}

/**
 * A stand-in for one versioned S3 bucket, answering the calls that create, configure, read back,
 * probe, empty and delete it. Like S3 it refuses DeleteObjects with more than 1,000 keys and
 * DeleteBucket while anything is left, answers NoSuchBucket once the bucket is gone, and in
 * us-east-1 answers a repeated CreateBucket with 200 instead of BucketAlreadyOwnedByYou. It
 * refuses a request that expects another owner (403), redirects one sent to the wrong region
 * (301), and refuses a public bucket policy while Block Public Access forbids it (403).
 */
export function fakeBucket(bucketName: string, region: string, state: FakeBucket): S3Request[] {
  return fakeS3(s3BucketUrl(bucketName, region), (request) =>
    answerFor(bucketName, region, state, request),
  )
}

export interface AnyBucketRequest extends S3Request {
  bucket: string
  region: string
  operation: string
}

/**
 * The same stand-in for every bucket on every regional S3 host, for tests that do not know the
 * bucket's name in advance. Buckets start out absent; `overrides` apply to each of them.
 */
export function fakeAnyBucket(overrides: FakeBucket['overrides'] = {}) {
  const buckets = new Map<string, FakeBucket>()
  const requests: AnyBucketRequest[] = []
  const host = /^([a-z0-9.-]+)\.s3\.([a-z0-9-]+)\.amazonaws\.com/
  const scope = nock(/^https:\/\/[a-z0-9.-]+\.s3\.[a-z0-9-]+\.amazonaws\.com/).persist()
  for (const method of ['GET', 'PUT', 'POST', 'DELETE', 'HEAD']) {
    scope
      .intercept(() => true, method)
      .reply(function (uri, body) {
        const [, bucket, region] = host.exec(this.req.headers.host)!
        const url = new URL(uri, 'https://s3.invalid')
        const request = {
          method,
          path: url.pathname,
          query: url.searchParams,
          headers: this.req.headers,
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }
        const state =
          buckets.get(bucket) ?? bucketState({exists: false, versioning: undefined, overrides})
        buckets.set(bucket, state)
        requests.push({...request, bucket, region, operation: s3Operation(request)})
        return toResult(answerFor(bucket, region, state, request))
      })
  }

  return {buckets, requests}
}

function answerFor(
  bucketName: string,
  region: string,
  state: FakeBucket,
  request: S3Request,
): FakeReply {
  const operation = s3Operation(request)
  const override = nextOverride(state, operation)
  if (override) return override

  if (operation === 'CreateBucket') return createBucket(state, region)
  if (!state.exists) return {status: 404, body: s3Error('NoSuchBucket')}
  if (state.location !== undefined && state.location !== region) {
    return {
      status: 301,
      body: request.method === 'HEAD' ? '' : s3Error('PermanentRedirect'),
      headers: {'x-amz-bucket-region': state.location},
    }
  }

  const expectedOwner = request.headers['x-amz-expected-bucket-owner']
  if (expectedOwner !== undefined && expectedOwner !== state.owner) {
    return {status: 403, body: request.method === 'HEAD' ? '' : s3Error('AccessDenied')}
  }

  const answer = ANSWERS[operation]
  if (!answer) {
    const {method, path, query} = request
    return {status: 501, body: s3Error('NotImplemented', `${method} ${path}?${query}`)}
  }

  return answer(state, request, bucketName)
}

function nextOverride(state: FakeBucket, operation: string): FakeReply | undefined {
  const override = state.overrides[operation]
  if (!Array.isArray(override)) return override

  return override.shift() ?? undefined
}

type Answer = (state: FakeBucket, request: S3Request, bucketName: string) => FakeReply

const notFound = (code: string) => ({status: 404, body: s3Error(code)})
const noContent = {status: 204}

const ANSWERS: Record<string, Answer> = {
  GetBucketTagging: ({tags}) =>
    Object.keys(tags).length === 0 ? notFound('NoSuchTagSet') : {body: taggingXml(tags)},
  PutBucketTagging(state, {body}) {
    state.tags = sentTags(body)
    return noContent
  },
  GetPublicAccessBlock: ({publicAccessBlock}) =>
    publicAccessBlock
      ? {body: publicAccessBlockXml(publicAccessBlock)}
      : notFound('NoSuchPublicAccessBlockConfiguration'),
  PutPublicAccessBlock(state, {body}) {
    const flags = PUBLIC_ACCESS_FLAGS.map((flag) => [flag, xmlTexts(body, flag)[0] === 'true'])
    state.publicAccessBlock = Object.fromEntries(flags) as PublicAccessFlags
    return {}
  },
  GetBucketOwnershipControls: ({objectOwnership}) =>
    objectOwnership
      ? {body: ownershipControlsXml(objectOwnership)}
      : notFound('OwnershipControlsNotFoundError'),
  PutBucketOwnershipControls(state, {body}) {
    state.objectOwnership = xmlTexts(body, 'ObjectOwnership')[0]
    return {}
  },
  GetBucketEncryption: ({encryption, kmsKeyId, bucketKeyEnabled}) =>
    encryption
      ? {body: encryptionXml(encryption, kmsKeyId, bucketKeyEnabled)}
      : notFound('ServerSideEncryptionConfigurationNotFoundError'),
  PutBucketEncryption(state, {body}) {
    state.encryption = xmlTexts(body, 'SSEAlgorithm')[0]
    state.kmsKeyId = xmlTexts(body, 'KMSMasterKeyID')[0]
    state.bucketKeyEnabled = xmlTexts(body, 'BucketKeyEnabled')[0] === 'true'
    return {}
  },
  GetBucketPolicy: ({policy}) =>
    policy === undefined
      ? notFound('NoSuchBucketPolicy')
      : {body: policy, headers: {'content-type': 'application/json'}},
  PutBucketPolicy(state, {body}) {
    const blocked = state.accountBlocksPublicPolicy || state.publicAccessBlock?.BlockPublicPolicy
    if (blocked && isPublicPolicy(body)) {
      return {status: 403, body: s3Error('AccessDenied', 'public policies are blocked')}
    }

    state.policy = body
    return noContent
  },
  PutBucketVersioning(state, {body}) {
    state.versioning = xmlTexts(body, 'Status')[0] as FakeBucket['versioning']
    return {}
  },
  PutBucketLifecycleConfiguration(state, {body}) {
    state.lifecycle = body
    return {}
  },
  GetBucketLifecycleConfiguration: ({lifecycle}) =>
    lifecycle === undefined ? notFound('NoSuchLifecycleConfiguration') : {body: lifecycle},
  PutBucketCors(state, {body}) {
    state.cors = body
    return {}
  },
  GetBucketCors: ({cors}) =>
    cors === undefined ? notFound('NoSuchCORSConfiguration') : {body: cors},
  DeleteBucketCors(state) {
    state.cors = undefined
    return noContent
  },
  GetObjectLockConfiguration: ({objectLock}) =>
    objectLock ? {body: objectLockXml()} : notFound('ObjectLockConfigurationNotFoundError'),
  GetBucketVersioning: ({versioning, mfaDelete}) => ({body: versioningXml(versioning, mfaDelete)}),
  ListObjectsV2: (state, {query}, bucketName) => ({
    body: listObjectsV2Xml(bucketName, currentKeys(state), Number(query.get('max-keys') ?? 1000)),
  }),
  ListObjectVersions: (state, {query}, bucketName) => listVersions(bucketName, state, query),
  DeleteObjects: (state, {body}) => deleteObjects(state, body),
  ListMultipartUploads: (state, _request, bucketName) => ({
    body: listMultipartUploadsXml(bucketName, state.uploads),
  }),
  AbortMultipartUpload: (state, {query}) => abortUpload(state, query.get('uploadId')!),
  DeleteBucket: (state) => deleteBucket(state),
  HeadBucket: ({location}, {headers}) => ({
    headers: {'x-amz-bucket-region': location ?? regionOfHost(headers.host)},
  }),
  PutObject(state, {path, body}) {
    const key = keyOf(path)
    const versionId = `put-${state.versions.length + state.deleteMarkers.length}`
    state.versions.push({key, versionId})
    state.bodies.set(key, body)
    return {headers: {'x-amz-version-id': versionId}}
  },
  GetObject(state, {path}) {
    const body = state.bodies.get(keyOf(path))
    return body === undefined
      ? notFound('NoSuchKey')
      : {body, headers: {'content-type': 'text/plain'}}
  },
  DeleteObject(state, {path}) {
    const key = keyOf(path)
    // Deleting from a versioned bucket leaves a delete marker; the versions stay.
    state.deleteMarkers.push({key, versionId: `marker-${state.deleteMarkers.length}`})
    state.bodies.delete(key)
    return noContent
  },
}

// What S3 calls public: a statement allowing anyone, here the only kind the broker writes.
function isPublicPolicy(body: string): boolean {
  const {Statement = []} = JSON.parse(body) as {
    Statement?: {Effect?: string; Principal?: unknown}[]
  }
  return [Statement].flat().some(({Effect, Principal}) => Effect === 'Allow' && Principal === '*')
}

function regionOfHost(host: string): string {
  return /\.s3\.([a-z0-9-]+)\.amazonaws\.com/.exec(host)?.[1] ?? 'us-east-1'
}

function keyOf(path: string): string {
  return decodeURIComponent(path.slice(1))
}

function createBucket(state: FakeBucket, region: string): FakeReply {
  if (!state.exists) {
    state.exists = true
    state.location = region
    return {}
  }

  if (region === 'us-east-1') return {}

  return {status: 409, body: s3Error('BucketAlreadyOwnedByYou')}
}

// Keys written through PutObject and not deleted since, and seeded versions without a delete
// marker: the fake does not track which of a key's entries is the latest.
function currentKeys(state: FakeBucket): string[] {
  const deleted = new Set(state.deleteMarkers.map(({key}) => key))
  const seeded = state.versions.map(({key}) => key).filter((key) => !deleted.has(key))
  return [...new Set([...seeded, ...state.bodies.keys()])].sort()
}

const idOf = (entry: VersionEntry) => `${entry.key}\0${entry.versionId}`

function entries(state: FakeBucket) {
  const all = [
    ...state.versions.map((entry) => ({...entry, marker: false})),
    ...state.deleteMarkers.map((entry) => ({...entry, marker: true})),
  ]
  return all.sort((a, b) => (idOf(a) < idOf(b) ? -1 : 1))
}

function listVersions(bucketName: string, state: FakeBucket, query: URLSearchParams): FakeReply {
  const keyMarker = query.get('key-marker')
  const after =
    keyMarker === null
      ? ''
      : idOf({key: keyMarker, versionId: query.get('version-id-marker') ?? ''})
  const remaining = entries(state).filter((entry) => idOf(entry) > after)
  const page = remaining.slice(0, state.pageSize)
  const last = page.at(-1)
  const next =
    remaining.length > page.length && last
      ? {keyMarker: last.key, versionIdMarker: last.versionId}
      : undefined
  return {
    body: listObjectVersionsXml(bucketName, {
      versions: page.filter((entry) => !entry.marker),
      deleteMarkers: page.filter((entry) => entry.marker),
      next,
    }),
  }
}

function deleteObjects(state: FakeBucket, body: string): FakeReply {
  const objects = deletedObjects(body)
  if (objects.length > 1000) return {status: 400, body: s3Error('MalformedXML')}

  const failingKeys = new Set(
    objects.map(({key}) => key).filter((key) => (state.failingDeletes.get(key) ?? 0) > 0),
  )
  for (const key of failingKeys) state.failingDeletes.set(key, state.failingDeletes.get(key)! - 1)

  const failed = objects.filter(({key}) => failingKeys.has(key))
  const deleted = new Set(objects.filter(({key}) => !failingKeys.has(key)).map(idOf))
  state.versions = state.versions.filter((entry) => !deleted.has(idOf(entry)))
  state.deleteMarkers = state.deleteMarkers.filter((entry) => !deleted.has(idOf(entry)))
  return {body: deleteObjectsResultXml(failed.map((entry) => ({...entry, code: 'InternalError'})))}
}

function abortUpload(state: FakeBucket, uploadId: string): FakeReply {
  if (!state.uploads.some((upload) => upload.uploadId === uploadId)) {
    return {status: 404, body: s3Error('NoSuchUpload')}
  }

  state.uploads = state.uploads.filter((upload) => upload.uploadId !== uploadId)
  return {status: 204}
}

function deleteBucket(state: FakeBucket): FakeReply {
  state.versions.push(...state.lateWrites)
  state.lateWrites = []
  const left = state.versions.length + state.deleteMarkers.length + state.uploads.length
  if (left > 0) return {status: 409, body: s3Error('BucketNotEmpty')}

  state.exists = false
  return {status: 204}
}

/**
 * S3's ListBuckets for one account, over the buckets a test keeps (as fakeAnyBucket's map does):
 * those that exist and belong to `owner`, filtered by `prefix` and paged by `max-buckets` with
 * a continuation token, each with its region as S3 reports it. `pageSize` makes pages smaller
 * than asked for, as S3 may, so that paging is exercised.
 */
export function fakeBucketListing(
  buckets: Map<string, FakeBucket>,
  {
    owner = ACCOUNT_ID,
    region = 'us-east-1',
    refusedKeys = [],
  }: {owner?: string; region?: string; refusedKeys?: string[]} = {},
) {
  const requests: URLSearchParams[] = []
  let pageSize = Infinity
  nock(`https://s3.${region}.amazonaws.com`)
    .persist()
    .get('/')
    .query(true)
    .reply(function (uri) {
      const signedWith = /Credential=([A-Z0-9]+)\//.exec(String(this.req.headers.authorization))
      if (refusedKeys.includes(signedWith?.[1] ?? '')) {
        return toResult({status: 403, body: s3Error('InvalidAccessKeyId', 'No such key.')})
      }

      const query = new URL(uri, 'https://s3.invalid').searchParams
      requests.push(query)
      const prefix = query.get('prefix') ?? ''
      const max = Math.min(pageSize, Number(query.get('max-buckets') ?? 10_000))
      const after = query.get('continuation-token') ?? ''
      const names = [...buckets]
        .filter(([name, state]) => state.exists && state.owner === owner && name.startsWith(prefix))
        .map(([name]) => name)
        .sort()
        .filter((name) => name > after)
      const page = names.slice(0, max)
      const entries = page.map(
        (name) =>
          `<Bucket>${elements({Name: name, CreationDate: '2026-01-02T03:04:05.000Z', BucketRegion: buckets.get(name)!.location ?? 'us-east-1'})}</Bucket>`,
      )
      const next = names.length > page.length ? elements({ContinuationToken: page.at(-1)!}) : ''
      return toResult({
        body:
          '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
          `<Owner><ID>owner</ID></Owner><Buckets>${entries.join('')}</Buckets>${next}` +
          `<Prefix>${prefix}</Prefix></ListAllMyBucketsResult>`,
      })
    })
  return {
    requests,
    setPageSize: (size: number) => {
      pageSize = size
    },
  }
}
