/**
 * What the drift doctor reports. The shape is the admin API's answer, the stored latest report,
 * and the CLI's --json output, so it changes only by adding fields.
 *
 *   orphan    ours (tag and team id, or path), belonging to no live add-on of the team
 *   retained  a bucket the team keeps on deprovisioning; listed, not a problem
 *   missing   the database has it for a live add-on, AWS does not
 *   drift     a live add-on's bucket no longer has the settings byo-s3 applied
 *   stuck     an add-on or a key rotation that has not moved for longer than its jobs retry
 *   failing   a job of the team's add-ons that is retrying or failed
 */
export type FindingKind = 'orphan' | 'retained' | 'missing' | 'drift' | 'stuck' | 'failing'

export const FINDING_KINDS: FindingKind[] = [
  'orphan',
  'retained',
  'missing',
  'drift',
  'stuck',
  'failing',
]

export interface Finding {
  kind: FindingKind
  resource: 'bucket' | 'user' | 'key' | 'addon' | 'rotation' | 'job'
  /** The bucket, user or key id, add-on id or job id the finding is about. */
  name: string
  addonId: string | null
  problem: string
  /** What the admin can do about it. */
  action: string
  /** Whether --fix repairs it. */
  fixable: boolean
  /** What --fix did; null when it did not run or the finding has no safe fix. */
  fix: {outcome: 'fixed' | 'failed'; detail: string} | null
}

/** A finding and, when one is safe, the repair that answers with what it did. */
export interface Inspected {
  finding: Finding
  repair?: () => Promise<string>
}

export interface DoctorReport {
  team: {id: string; name: string}
  awsAccountId: string
  checkedAt: string
  /** Whether safe repairs were applied; findings then carry their outcome. */
  fixed: boolean
  /** Findings other than retained buckets that are not fixed. */
  problems: number
  counts: Record<FindingKind, number>
  findings: Finding[]
}

export function finding(fields: Omit<Finding, 'fixable' | 'fix'>, repair?: Inspected['repair']) {
  return {finding: {...fields, fixable: repair !== undefined, fix: null}, repair}
}

export function countsOf(findings: Finding[]): Record<FindingKind, number> {
  const counts = Object.fromEntries(FINDING_KINDS.map((kind) => [kind, 0]))
  for (const {kind} of findings) counts[kind]++
  return counts as Record<FindingKind, number>
}

export function problemsIn(findings: Finding[]): number {
  return findings.filter(({kind, fix}) => kind !== 'retained' && fix?.outcome !== 'fixed').length
}
