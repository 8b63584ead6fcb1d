import {hux} from '@heroku/heroku-cli-util'

import type {Bucket} from './broker.js'

export function printBuckets(buckets: Bucket[]): void {
  hux.table(buckets, {
    app: {get: (bucket) => bucket.app.name ?? '', header: 'App'},
    addon: {get: addonLabel, header: 'Add-on'},
    bucket: {get: (bucket) => bucket.bucket ?? '', header: 'Bucket'},
    region: {get: (bucket) => bucket.region ?? '', header: 'Region'},
    state: {get: (bucket) => bucket.state, header: 'State'},
    createdAt: {get: (bucket) => bucket.createdAt, header: 'Created'},
  })
}

/** One line per add-on the broker gave a failure reason for. */
export function failureLines(buckets: Bucket[]): string[] {
  return buckets
    .filter((bucket) => bucket.failureReason)
    .map((bucket) => `${addonLabel(bucket)}: ${bucket.failureReason}`)
}

/** An add-on whose provisioning failed early may have no name yet; its id still tells it apart. */
function addonLabel(bucket: Bucket): string {
  return bucket.addonName ?? bucket.addonId
}
