import {fakeS3, type FakeReply, s3BucketUrl, type S3Request} from './aws-fakes.js'
import {
  deletedObjects,
  deleteObjectsResultXml,
  listMultipartUploadsXml,
  listObjectVersionsXml,
  s3Error,
  type VersionEntry,
} from './aws-xml.js'

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
 * A stand-in for one versioned S3 bucket, answering the calls emptying and deleting it needs.
 * Like S3 it refuses DeleteObjects with more than 1,000 keys and DeleteBucket while anything is
 * left, and answers NoSuchBucket once the bucket is gone.
 */
export function fakeBucket(bucketName: string, region: string, state: FakeBucket): S3Request[] {
  return fakeS3(s3BucketUrl(bucketName, region), (request) => {
    if (!state.exists) return {status: 404, body: s3Error('NoSuchBucket')}

    const {method, query, path} = request
    if (method === 'GET' && query.has('versions')) return listVersions(bucketName, state, query)
    if (method === 'POST' && query.has('delete')) return deleteObjects(state, request.body)
    if (method === 'GET' && query.has('uploads')) {
      return {body: listMultipartUploadsXml(bucketName, state.uploads)}
    }

    if (method === 'DELETE' && query.has('uploadId'))
      return abortUpload(state, query.get('uploadId')!)
    if (method === 'DELETE' && path === '/') return deleteBucket(state)

    return {status: 501, body: s3Error('NotImplemented', `${method} ${path}?${query}`)}
  })
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
