import type {BucketSettings} from '../aws/bucket-settings.js'
import {type Html, html} from './html.js'

/** Where the bucket is, for the address its public objects have. */
export interface BucketPlace {
  bucketName: string | null
  region: string | null
}

export interface SettingRow {
  label: string
  value: (settings: BucketSettings, place: BucketPlace) => Html | string
}

/** Each setting a created bucket has, in a few words a developer reads at a glance. */
export const SETTING_ROWS: SettingRow[] = [
  {
    label: 'Versioning',
    value: ({versioning}) => (versioning ? 'on: every version of every object is kept' : 'off'),
  },
  {
    label: 'Noncurrent versions',
    value: ({versioning, noncurrentExpiryDays: days}) => {
      if (days === null) return versioning ? 'kept until someone deletes them' : 'no expiry rule'

      return `deleted ${days} ${plural(days, 'day')} after they stop being current`
    },
  },
  {
    label: 'Unfinished uploads',
    value: ({abortMultipartDays: days}) =>
      `multipart uploads are aborted after ${days} ${plural(days, 'day')}, and their parts deleted`,
  },
  {
    label: 'CORS origins',
    value: ({corsOrigins}) => {
      if (corsOrigins.length === 0) return 'none: no web page may call the bucket from a browser'

      const origins = corsOrigins.map(
        (origin, index) => html`${index > 0 && ', '}<code>${origin}</code>`,
      )
      return html`${origins}: pages there may GET, PUT, POST and HEAD objects from the browser`
    },
  },
  {
    label: 'Public prefix',
    value: ({publicPrefix}, place) => {
      if (publicPrefix === null) return 'none: every object is private'

      return html`<code>${publicPrefix}</code>: anyone may read objects under it, at
        <code>${publicUrl(place, publicPrefix)}...</code>`
    },
  },
  {
    label: 'Encryption',
    value: ({kmsKeyArn}) =>
      kmsKeyArn === null
        ? 'SSE-S3, with keys S3 manages'
        : html`SSE-KMS, with the key <code>${kmsKeyArn}</code>`,
  },
]

/** The rows whose value differs between the two settings, with both values. */
export function changedRows(
  from: BucketSettings,
  to: BucketSettings,
  place: BucketPlace,
): {label: string; from: Html | string; to: Html | string}[] {
  return SETTING_ROWS.map(({label, value}) => ({
    label,
    from: value(from, place),
    to: value(to, place),
  })).filter((row) => String(row.from) !== String(row.to))
}

function publicUrl({bucketName, region}: BucketPlace, prefix: string): string {
  return `https://${bucketName ?? 'BUCKET'}.s3.${region ?? 'REGION'}.amazonaws.com/${prefix}`
}

function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${noun}s`
}
