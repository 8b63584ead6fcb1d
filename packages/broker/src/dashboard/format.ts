const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB']

/** A size as the AWS console shows it: powers of 1,024, one decimal above bytes. */
export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }

  if (unit === 0) return `${value} ${value === 1 ? 'byte' : 'bytes'}`

  return `${value.toFixed(1)} ${UNITS[unit]}`
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US')
}

/** A moment in UTC, to the minute: `2026-03-04 09:15 UTC`. */
export function formatTime(moment: Date | string): string {
  return `${new Date(moment).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}
