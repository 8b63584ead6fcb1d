import type {Bucket} from './broker.js'
import {printTable} from './output.js'

export function printBuckets(buckets: Bucket[]): void {
  printTable(buckets, [
    {get: (bucket) => bucket.app.name ?? '', header: 'App'},
    {get: addonLabel, header: 'Add-on'},
    {get: (bucket) => bucket.bucket ?? '', header: 'Bucket'},
    {get: (bucket) => bucket.region ?? '', header: 'Region'},
    {get: (bucket) => bucket.state, header: 'State'},
    {get: (bucket) => bucket.createdAt, header: 'Created'},
  ])
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
