import type {FastifyBaseLogger} from 'fastify'
import type {Pool} from 'pg'
import type {Metric} from 'prom-client'

export type Labels = Record<string, string>

interface Sample {
  name: string
  labels: Labels
  value: number
}

const FLUSH_INTERVAL_MS = 10_000

/**
 * Counters summed over every broker process, kept in the table `metric_totals`.
 *
 * Heroku runs web and worker dynos as separate processes and only a web dyno can be scraped, yet
 * most AWS calls and every job run on a worker. prom-client's AggregatorRegistry sums the
 * processes of one Node cluster over IPC, which dynos do not share, and a Pushgateway would be
 * one more service to run and secure. So each process adds what it counted since its last flush
 * to one small table (every few seconds, before a scrape, and when it stops), and /metrics reads
 * the sums. The sums only grow, as Prometheus expects of counters, whichever dyno restarts.
 * NOTE: what a process counted but had not flushed when it crashed is lost: at most the last
 * FLUSH_INTERVAL_MS of its counts.
 */
export class SharedCounters {
  readonly #pool: Pool
  readonly #log: FastifyBaseLogger
  #pending = new Map<string, Sample>()
  #flushing: Promise<void> = Promise.resolve()
  #timer: NodeJS.Timeout | undefined

  constructor(pool: Pool, log: FastifyBaseLogger) {
    this.#pool = pool
    this.#log = log
  }

  add(name: string, labels: Labels, delta = 1): void {
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`
    const sample = this.#pending.get(key)
    if (sample) sample.value += delta
    else this.#pending.set(key, {name, labels, value: delta})
  }

  /**
   * A histogram is counters too: one per bucket, cumulative as Prometheus reads them, a sum and a
   * count. Every bucket gets a row, at zero too: quantiles need them all.
   */
  observe(name: string, buckets: readonly number[], labels: Labels, value: number): void {
    for (const bound of buckets) {
      this.add(`${name}_bucket`, {...labels, le: String(bound)}, value <= bound ? 1 : 0)
    }

    this.add(`${name}_bucket`, {...labels, le: '+Inf'})
    this.add(`${name}_sum`, labels, value)
    this.add(`${name}_count`, labels)
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.flush().catch((error) => this.#log.warn({err: error}, 'could not save metrics'))
    }, FLUSH_INTERVAL_MS)
    this.#timer.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.flush()
  }

  /** Adds the pending counts to the table; on failure they stay pending for the next flush. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.catch(() => {}).then(() => this.#write())
    return this.#flushing
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return

    const batch = this.#pending
    this.#pending = new Map()
    // One order for every process, so that two flushes lock the same rows in the same order and
    // cannot deadlock.
    const samples = [...batch.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, s]) => s)
    try {
      await this.#pool.query(
        `insert into metric_totals (name, labels, value)
         select * from unnest($1::text[], $2::jsonb[], $3::float8[])
         on conflict (name, labels) do update set value = metric_totals.value + excluded.value`,
        [
          samples.map((s) => s.name),
          samples.map((s) => JSON.stringify(s.labels)),
          samples.map((s) => s.value),
        ],
      )
    } catch (error) {
      for (const sample of samples) this.add(sample.name, sample.labels, sample.value)
      throw error
    }
  }

  /** The totals of these samples over every process, this one's pending counts included. */
  async totals(names: string[]): Promise<Sample[]> {
    await this.flush()
    const {rows} = await this.#pool.query<Sample>(
      `select name, labels, value from metric_totals where name = any($1)
       order by labels - 'le', name, (labels->>'le')::float8`,
      [names],
    )
    return rows
  }
}

/**
 * A counter or histogram whose samples are the shared totals, read at scrape time. prom-client
 * takes any object of this shape into a registry.
 */
export function sharedFamily(
  counters: SharedCounters,
  {name, help, type}: {name: string; help: string; type: 'counter' | 'histogram'},
): Metric {
  const names = type === 'counter' ? [name] : ['_bucket', '_sum', '_count'].map((s) => name + s)
  const family = {
    name,
    help,
    type,
    aggregator: 'sum',
    async get() {
      const samples = await counters.totals(names)
      return {
        name,
        help,
        type,
        aggregator: 'sum',
        values: samples.map((s) => ({
          metricName: s.name,
          labels: leLast(s.labels),
          value: s.value,
        })),
      }
    },
  }
  return family as unknown as Metric
}

// PostgreSQL keeps jsonb keys in an order of its own; a bucket's bound reads best last.
function leLast({le, ...labels}: Labels): Labels {
  return le === undefined ? labels : {...labels, le}
}
