/*
 * The objects of one of the stub's buckets: every version and delete marker of every key, kept
 * in S3's listing order, for the emptying benchmark. Written here rather than taken from a
 * package because no S3-compatible server from npm or Debian holds 100,000 versions at speed:
 * s3rver has no versioning, no ListObjectVersions and no ListMultipartUploads, and moto_server
 * (Python) stores about 140 objects a second and takes seconds per ListObjectVersions page of a
 * 20,000-version bucket, while S3 answers in milliseconds whatever the bucket holds.
 *
 * Keys live in one sorted array (a listing is a binary search and a walk) and a map to their
 * versions, newest first. Emptied keys stay in the array until half of it is dead, so that a
 * delete does not shift 100,000 entries.
 */
import {elements} from '../test/helpers/aws-xml.js'

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/'
const MAX_KEYS = 1000
// Every object is one byte written at the same moment; the AWS CLI needs both fields.
const LAST_MODIFIED = '2026-01-01T00:00:00.000Z'
export const ETAG = '"9dd4e461268c8034f5c8564e155c67a6"'

interface Version {
  versionId: string
  deleteMarker: boolean
}

export type Versioning = 'Enabled' | 'Suspended' | undefined

export class ObjectStore {
  versioning: Versioning
  #keys: string[] = []
  #versions = new Map<string, Version[]>()
  #dead = 0
  #count = 0
  #issued = 0

  constructor(versioning?: Versioning) {
    this.versioning = versioning
  }

  /** Versions and delete markers held, all keys together. */
  get size(): number {
    return this.#count
  }

  /** A new version of `key` (in an unversioned bucket it replaces the object). */
  put(key: string, deleteMarker = false): string {
    const versionId = this.versioning === 'Enabled' ? this.#newVersionId() : 'null'
    let versions = this.#versions.get(key)
    if (!versions) {
      versions = []
      this.#versions.set(key, versions)
      this.#insertKey(key)
    }

    if (versionId === 'null') {
      const replaced = versions.findIndex((version) => version.versionId === 'null')
      if (replaced >= 0) {
        versions.splice(replaced, 1)
        this.#count--
      }
    }

    versions.unshift({versionId, deleteMarker})
    this.#count++
    return versionId
  }

  /**
   * DeleteObject as S3 does it: a version id removes that version; without one, a versioned
   * bucket gets a delete marker and an unversioned one loses the object.
   */
  delete(key: string, versionId?: string): {versionId?: string; deleteMarker: boolean} {
    if (versionId === undefined && this.versioning !== undefined) {
      return {versionId: this.put(key, true), deleteMarker: true}
    }

    const versions = this.#versions.get(key)
    const at = versions?.findIndex((version) => version.versionId === (versionId ?? 'null')) ?? -1
    if (!versions || at < 0) return {versionId, deleteMarker: false}

    const [removed] = versions.splice(at, 1)
    this.#count--
    if (versions.length === 0) this.#forgetKey(key)
    return {versionId, deleteMarker: removed.deleteMarker}
  }

  /** ListObjectVersions: up to 1,000 entries after the markers, keys ascending, newest first. */
  listVersionsXml(bucketName: string, keyMarker = '', versionIdMarker = ''): string {
    const entries: string[] = []
    let last: {key: string; versionId: string} | undefined
    let truncated = false
    for (let i = this.#indexAfter(keyMarker, versionIdMarker !== ''); i < this.#keys.length; i++) {
      const key = this.#keys[i]
      const versions = this.#versions.get(key)
      if (!versions) continue

      const start =
        key === keyMarker
          ? versions.findIndex((version) => version.versionId === versionIdMarker) + 1
          : 0
      for (let v = start; v < versions.length; v++) {
        if (entries.length === MAX_KEYS) {
          truncated = true
          break
        }

        const {versionId, deleteMarker} = versions[v]
        const fields = elements({
          Key: key,
          VersionId: versionId,
          IsLatest: v === 0,
          LastModified: LAST_MODIFIED,
          ...(deleteMarker ? {} : {ETag: ETAG, Size: 1}),
        })
        const tag = deleteMarker ? 'DeleteMarker' : 'Version'
        entries.push(`<${tag}>${fields}</${tag}>`)
        last = {key, versionId}
      }
      if (truncated) break
    }

    const paging =
      truncated && last
        ? elements({
            IsTruncated: true,
            NextKeyMarker: last.key,
            NextVersionIdMarker: last.versionId,
          })
        : elements({IsTruncated: false})
    return document(
      'ListVersionsResult',
      elements({Name: bucketName, MaxKeys: MAX_KEYS}) + paging + entries.join(''),
    )
  }

  /** ListObjectsV2: current objects only (latest version not a delete marker), after `after`. */
  listObjectsXml(bucketName: string, after = '', prefix = ''): string {
    const keys: string[] = []
    let truncated = false
    for (let i = this.#indexAfter(after || prefix, after === ''); i < this.#keys.length; i++) {
      const key = this.#keys[i]
      if (!key.startsWith(prefix)) break

      const latest = this.#versions.get(key)?.[0]
      if (!latest || latest.deleteMarker) continue

      if (keys.length === MAX_KEYS) {
        truncated = true
        break
      }

      keys.push(key)
    }

    const contents = keys.map(
      (key) =>
        `<Contents>${elements({Key: key, LastModified: LAST_MODIFIED, ETag: ETAG, Size: 1})}</Contents>`,
    )
    const next = truncated ? Buffer.from(keys[keys.length - 1]).toString('base64url') : undefined
    return document(
      'ListBucketResult',
      elements({
        Name: bucketName,
        Prefix: prefix,
        KeyCount: keys.length,
        MaxKeys: MAX_KEYS,
        IsTruncated: truncated,
        NextContinuationToken: next,
      }) + contents.join(''),
    )
  }

  #newVersionId(): string {
    return `v${(++this.#issued).toString(36).padStart(8, '0')}`
  }

  #insertKey(key: string) {
    const keys = this.#keys
    if (keys.length === 0 || keys[keys.length - 1] < key) keys.push(key)
    else keys.splice(this.#indexAfter(key, false), 0, key)
  }

  #forgetKey(key: string) {
    this.#versions.delete(key)
    this.#dead++
    if (this.#dead > 1000 && this.#dead * 2 > this.#keys.length) {
      this.#keys = this.#keys.filter((kept) => this.#versions.has(kept))
      this.#dead = 0
    }
  }

  /** The index of the first key at or after `key` (`inclusive`) or strictly after it. */
  #indexAfter(key: string, inclusive: boolean): number {
    let low = 0
    let high = this.#keys.length
    while (low < high) {
      const middle = (low + high) >>> 1
      const here = this.#keys[middle]
      if (here < key || (!inclusive && here === key)) low = middle + 1
      else high = middle
    }

    return low
  }
}

/** The key a ListObjectsV2 continuation token stands for. */
export function keyOfToken(token: string): string {
  return Buffer.from(token, 'base64url').toString('utf8')
}

function document(root: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${S3_NAMESPACE}">${inner}</${root}>`
}
