/**
 * Every line a test broker logs is checked for the secrets the tests handed it or had it make:
 * a secret in the log is a leak even when no test looked for that one. Lines are scanned after
 * each test and dropped, so a long run keeps no log in memory; leaks are kept and fail the run
 * once, at its end, naming the secret's label and the line's msg, never the secret itself.
 */

export interface Leak {
  label: string
  msg: string
}

/** Shorter values would match by chance (an id, a word); no secret the tests use is this short. */
const MIN_SECRET_LENGTH = 8

const secrets = new Map<string, string>()
let pending: string[] = []
const leaks: Leak[] = []

/** A secret the broker must never log, under a label that may be printed. */
export function auditSecret(label: string, value: string | undefined | null): void {
  if (!value || value.length < MIN_SECRET_LENGTH) return
  secrets.set(value, label)
}

export function auditLogLine(line: string): void {
  pending.push(line)
}

/** The leaks among `lines`, one per secret and line; secrets maps each value to its label. */
export function findLeaks(lines: string[], secretLabels: ReadonlyMap<string, string>): Leak[] {
  const found: Leak[] = []
  for (const line of lines) {
    for (const [value, label] of secretLabels) {
      if (line.includes(value) || line.includes(JSON.stringify(value).slice(1, -1))) {
        found.push({label, msg: withoutSecrets(msgOf(line), secretLabels)})
      }
    }
  }

  return found
}

/** Scans what was logged since the last scan. */
export function scanLoggedLines(): void {
  const lines = pending
  pending = []
  leaks.push(...findLeaks(lines, secrets))
}

/** Throws if any line logged so far held a secret. */
export function assertNoLeaks(): void {
  scanLoggedLines()
  if (leaks.length === 0) return

  const listed = leaks.map(({label, msg}) => `  ${label} in a line with msg "${msg}"`)
  throw new Error(`The broker logged secrets:\n${[...new Set(listed)].join('\n')}`)
}

/** The msg may hold a secret too: it is printed with labels in their place. */
function withoutSecrets(text: string, secretLabels: ReadonlyMap<string, string>): string {
  let shown = text
  for (const [value, label] of secretLabels) shown = shown.split(value).join(`[${label}]`)
  return shown
}

function msgOf(line: string): string {
  try {
    const {msg} = JSON.parse(line) as {msg?: unknown}
    return typeof msg === 'string' ? msg : '(no msg)'
  } catch {
    return '(not a JSON line)'
  }
}
