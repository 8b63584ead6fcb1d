import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3'
import {createPresignedPost} from '@aws-sdk/s3-presigned-post'
import {getSignedUrl} from '@aws-sdk/s3-request-presigner'
import type {BucketConfig} from './config.js'

export interface StoredFile {
  key: string
  size: number
  lastModified?: Date
}

export interface UploadForm {
  url: string
  fields: Record<string, string>
}

/** Up to this many files are listed; the page says when there are more. */
const LIST_LIMIT = 1000
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024
const UPLOAD_FORM_SECONDS = 15 * 60
// Long enough for the browser to follow the redirect, short enough that a copied link dies soon.
const DOWNLOAD_LINK_SECONDS = 60

/** One S3 client for the process: it keeps its connections and credentials between requests. */
export function createS3Client(config: BucketConfig): S3Client {
  return new S3Client({
    region: config.region,
    credentials: {accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey},
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    requestHandler: {connectionTimeout: 5_000, requestTimeout: 10_000},
    maxAttempts: 3,
  })
}

/** The operations the app performs on its bucket; every one is allowed by the add-on's key. */
export class Bucket {
  constructor(
    private readonly s3: S3Client,
    readonly name: string,
  ) {}

  async list(): Promise<{files: StoredFile[]; more: boolean}> {
    const page = await this.s3.send(
      new ListObjectsV2Command({Bucket: this.name, MaxKeys: LIST_LIMIT}),
    )
    const files = (page.Contents ?? []).map((item) => ({
      key: item.Key!,
      size: item.Size ?? 0,
      lastModified: item.LastModified,
    }))
    return {files, more: page.IsTruncated === true}
  }

  /**
   * A form the browser posts straight to S3. The key is the chosen file's name (S3 fills in
   * `${filename}`); S3 enforces the size limit and the expiry, and then sends the browser back
   * to `redirectTo`. A form post is a navigation, not a script request, so the bucket needs no
   * CORS rule for it. No `acl` field: the add-on's buckets enforce bucket-owner ownership.
   */
  async uploadForm(redirectTo: string): Promise<UploadForm> {
    return createPresignedPost(this.s3, {
      Bucket: this.name,
      Key: '${filename}',
      Fields: {success_action_redirect: redirectTo},
      Conditions: [['content-length-range', 1, MAX_UPLOAD_BYTES]],
      Expires: UPLOAD_FORM_SECONDS,
    })
  }

  /**
   * A short-lived link that downloads the file under its own name. The HEAD first turns a
   * missing file into a page that says so, rather than an XML error from S3.
   */
  async downloadUrl(key: string): Promise<string> {
    await this.s3.send(new HeadObjectCommand({Bucket: this.name, Key: key}))
    const fileName = key.split('/').pop() || key
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.name,
        Key: key,
        ResponseContentDisposition: contentDisposition(fileName),
      }),
      {expiresIn: DOWNLOAD_LINK_SECONDS},
    )
  }

  async remove(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({Bucket: this.name, Key: key}))
  }

  close(): void {
    this.s3.destroy()
  }
}

/** `attachment` with an ASCII fallback name and the exact name in RFC 5987 form. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRFC5987(fileName)}`
}

function encodeRFC5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}
