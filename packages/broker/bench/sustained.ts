/*
 * Phase C of `npm run bench`: the Partner API and SSO under sustained load, each for a fixed
 * time at a fixed number of connections, with the broker's memory (RSS and V8 heap, of the
 * process the broker runs in) sampled through the run, to show whether it holds steady.
 */
import type {Child} from './child.js'
import {problems} from './harness.js'
import type {LoadOptions, LoadResult} from './load.js'
import {line, section} from './report.js'

const CONNECTIONS = 10
const DURATION_SECONDS = Number(process.env.BENCH_SUSTAINED_SECONDS ?? 20)
const SAMPLE_EVERY_MS = 250
const MIB = 2 ** 20

export interface Sustained {
  name: string
  result: LoadResult
  memory: MemoryFigures
}

interface MemoryFigures {
  rssStartMiB: number
  rssMaxMiB: number
  rssEndMiB: number
  heapStartMiB: number
  heapMaxMiB: number
  heapEndMiB: number
}

export async function phaseC({
  load,
  target,
  resourceId,
}: {
  load: Child
  target: Omit<LoadOptions, 'connections'>
  resourceId: string
}): Promise<Sustained[]> {
  section(`Phase C: sustained load, ${DURATION_SECONDS} s each at ${CONNECTIONS} connections`)
  const runs: {name: string; options: LoadOptions; status: number}[] = [
    {
      name: 'POST /heroku/resources',
      options: {...target, connections: CONNECTIONS, durationSeconds: DURATION_SECONDS},
      status: 202,
    },
    {
      name: 'POST /sso/login',
      options: {
        ...target,
        connections: CONNECTIONS,
        durationSeconds: DURATION_SECONDS,
        request: 'sso',
        resourceId,
      },
      status: 303,
    },
  ]

  const results: Sustained[] = []
  for (const {name, options, status} of runs) {
    const memory = sampleMemory()
    const result = await load.ask<LoadResult>('run', options)
    const figures = memory.stop()
    const unexpected = Object.entries(result.statusCodes).filter(
      ([code]) => code !== String(status),
    )
    if (result.errors > 0 || unexpected.length > 0) {
      const codes = unexpected.map(([code, count]) => `${count}× ${code}`).join(', ')
      problems.push(
        `phase C, ${name}: ${result.errors} errors, other answers than ${status}: ${codes}`,
      )
    }

    printSustained(name, result, figures)
    results.push({name, result, memory: figures})
  }

  return results
}

/** Samples the process's memory every SAMPLE_EVERY_MS until stopped. */
function sampleMemory(): {stop(): MemoryFigures} {
  const start = process.memoryUsage()
  let rssMax = start.rss
  let heapMax = start.heapUsed
  const timer = setInterval(() => {
    const {rss, heapUsed} = process.memoryUsage()
    rssMax = Math.max(rssMax, rss)
    heapMax = Math.max(heapMax, heapUsed)
  }, SAMPLE_EVERY_MS)
  return {
    stop() {
      clearInterval(timer)
      const end = process.memoryUsage()
      return {
        rssStartMiB: start.rss / MIB,
        rssMaxMiB: Math.max(rssMax, end.rss) / MIB,
        rssEndMiB: end.rss / MIB,
        heapStartMiB: start.heapUsed / MIB,
        heapMaxMiB: Math.max(heapMax, end.heapUsed) / MIB,
        heapEndMiB: end.heapUsed / MIB,
      }
    },
  }
}

function printSustained(name: string, result: LoadResult, memory: MemoryFigures): void {
  const mib = (value: number) => `${value.toFixed(0)} MiB`
  console.log(`\n  ${name}`)
  line('requests', `${result.requests} in ${result.durationSeconds.toFixed(1)} s`)
  line('requests/s', (result.requests / result.durationSeconds).toFixed(0))
  line(
    'latency',
    `p50 ${result.latencyMs.p50} ms, p90 ${result.latencyMs.p90} ms, p99 ${result.latencyMs.p99} ms, ` +
      `max ${result.latencyMs.max} ms`,
  )
  line(
    'broker RSS',
    `${mib(memory.rssStartMiB)} at the start, ${mib(memory.rssMaxMiB)} at most, ` +
      `${mib(memory.rssEndMiB)} at the end`,
  )
  line(
    'broker heap',
    `${mib(memory.heapStartMiB)} at the start, ${mib(memory.heapMaxMiB)} at most, ` +
      `${mib(memory.heapEndMiB)} at the end`,
  )
}
