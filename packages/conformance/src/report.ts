/** A check's outcome: passed, failed with a reason, or not applicable to this add-on. */
export type Outcome = {ok: true; note?: string} | {ok: false; reason: string} | {skip: string}

export const pass = (note?: string): Outcome => ({ok: true, note})
export const fail = (reason: string): Outcome => ({ok: false, reason})
export const skip = (reason: string): Outcome => ({skip: reason})

/**
 * Prints one line per check as it completes, and counts them. A check that throws fails with
 * the error's message, so one broken step never hides the checks after it.
 */
export class Report {
  passed = 0
  failed = 0
  skipped = 0

  constructor(private readonly write: (line: string) => void) {}

  async check(name: string, run: () => Outcome | Promise<Outcome>): Promise<boolean> {
    let outcome: Outcome
    try {
      outcome = await run()
    } catch (error) {
      outcome = fail(errorText(error))
    }

    return this.record(name, outcome)
  }

  record(name: string, outcome: Outcome): boolean {
    if ('skip' in outcome) {
      this.skipped += 1
      this.write(`- ${name} (skipped: ${outcome.skip})`)
      return true
    }

    if (outcome.ok) {
      this.passed += 1
      this.write(`✓ ${name}${outcome.note ? ` (${outcome.note})` : ''}`)
      return true
    }

    this.failed += 1
    this.write(`✗ ${name}: ${outcome.reason}`)
    return false
  }

  note(line: string): void {
    this.write(line)
  }

  summary(): string {
    const total = this.passed + this.failed + this.skipped
    const verdict = this.failed === 0 ? 'conforms' : 'does not conform'
    return (
      `${total} checks: ${this.passed} ✓, ${this.failed} ✗, ${this.skipped} skipped. ` +
      `The add-on ${verdict}.`
    )
  }
}

/** An error in a line: fetch's own message ("fetch failed") says nothing without its cause. */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const code = (error.cause as {code?: string} | undefined)?.code
  return code ? `${error.message} (${code})` : error.message
}
