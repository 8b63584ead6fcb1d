// How the benchmark scripts print: sections of labelled lines on stdout, figures in ms and ratios.
import os from 'node:os'

export function machine() {
  const cpus = os.cpus()
  return {
    model: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    date: new Date().toISOString(),
  }
}

/** The title, and the machine, Node and date lines every benchmark starts with. */
export function printMachine(title: string): void {
  const {model, cores, memory, node, date} = machine()
  console.log(title)
  console.log('='.repeat(title.length))
  line('machine', `${model}, ${cores} cores, ${memory} memory`)
  line('node', `${node} (${process.platform} ${process.arch})`)
  line('date', date)
}

export function section(title: string): void {
  console.log(`\n${title}\n${'-'.repeat(title.length)}`)
}

export function line(label: string, value: string): void {
  console.log(`  ${label.padEnd(18)}${value}`)
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return '-'

  return value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(1)} ms`
}

export function ratio(value: number, aim: number): string {
  return (value / aim).toFixed(2)
}

export function verdict(met: boolean): string {
  return met ? 'met' : 'not met'
}

export function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return counts
}
