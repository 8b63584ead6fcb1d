import type {AwsCallObserver} from '../aws/clients.js'
import {type SharedCounters, sharedFamily} from './shared-counters.js'

const CALLS = 'byo_s3_aws_calls_total'
const ERRORS = 'byo_s3_aws_errors_total'
const DURATION = 'byo_s3_aws_call_duration_seconds'
// From a fast IAM call to a slow S3 listing; the SDK gives up after 3 attempts of 10 s.
const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** Counts every AWS call of this process, by service and operation, into the shared totals. */
export function awsCallCounter(counters: SharedCounters): AwsCallObserver {
  return ({service, operation, seconds, error}) => {
    const labels = {service, operation}
    counters.add(CALLS, labels)
    if (error) counters.add(ERRORS, {...labels, error})
    counters.observe(DURATION, BUCKETS, labels, seconds)
  }
}

export function awsCallFamilies(counters: SharedCounters) {
  return [
    sharedFamily(counters, {
      name: CALLS,
      help: 'AWS SDK calls made by every broker process, retries included in one call.',
      type: 'counter',
    }),
    sharedFamily(counters, {
      name: ERRORS,
      help: 'AWS SDK calls that failed, by the AWS error code or the SDK error name.',
      type: 'counter',
    }),
    sharedFamily(counters, {
      name: DURATION,
      help: 'How long AWS SDK calls took, retries included, in seconds.',
      type: 'histogram',
    }),
  ]
}
