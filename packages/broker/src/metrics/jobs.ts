import type {Pool} from 'pg'
import {Gauge, type Registry} from 'prom-client'
import type {JobQueueOptions} from '../jobs/queue.js'
import {type SharedCounters, sharedFamily} from './shared-counters.js'

const DURATION = 'byo_s3_job_duration_seconds'
// Most jobs take seconds; emptying a large bucket may take up to the deprovision queue's hour.
const BUCKETS = [1, 5, 15, 30, 60, 120, 300, 900, 3600]

/**
 * Times every job run of this process into the shared totals. A run is timed where it runs and
 * counted once, whichever dyno is scraped; `failed` is an attempt that threw, which pg-boss
 * retries until its retry limit.
 */
export function jobRunTimer(counters: SharedCounters): NonNullable<JobQueueOptions['observeRun']> {
  return ({queue, seconds, outcome}) =>
    counters.observe(DURATION, BUCKETS, {queue, outcome}, seconds)
}

export function jobDurationFamily(counters: SharedCounters) {
  return sharedFamily(counters, {
    name: DURATION,
    help: 'How long job runs took, by queue and outcome, in seconds.',
    type: 'histogram',
  })
}

/**
 * The jobs pg-boss holds, by queue and state, counted in its tables at scrape time: they are the
 * same for every process, and every queue and state is reported, at zero too. pg-boss keeps a
 * finished job in its job table for 12 hours before archiving it.
 */
export function jobStateGauge(pool: Pool, registry: Registry): Gauge<'queue' | 'state'> {
  return new Gauge({
    name: 'byo_s3_jobs',
    help: 'Jobs in the queue tables, by queue and state.',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const {rows} = await pool.query<{queue: string; state: string; jobs: number}>(
        `select q.name as queue, s.state::text as state, count(j.id)::int as jobs
         from pgboss.queue q
         cross join unnest(enum_range(null::pgboss.job_state)) s(state)
         left join pgboss.job j on j.name = q.name and j.state = s.state
         group by q.name, s.state
         order by q.name, s.state`,
      )
      this.reset()
      for (const {queue, state, jobs} of rows) this.set({queue, state}, jobs)
    },
  })
}
