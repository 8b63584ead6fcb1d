// The stub (stub.ts) in a child process of its own, so that it does not compete with the broker
// for its event loop: commands `calls` and `reset`, `fill` for the emptying benchmark's buckets,
// and `cpu` for its usage.
import {serveParent} from './child.js'
import {type FillOptions, startStub} from './stub.js'

const stub = await startStub({s3LatencyMs: Number(process.env.BENCH_S3_LATENCY_MS ?? 0)})
serveParent(
  {
    calls: () => stub.calls(),
    reset: () => stub.reset(),
    fill: ({bucket, ...options}: FillOptions & {bucket: string}) => stub.fill(bucket, options),
    cpu: () => process.cpuUsage(),
  },
  {url: stub.url},
)
