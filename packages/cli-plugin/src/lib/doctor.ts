import type {DoctorReport, Finding, FindingKind} from './broker.js'

import {ByoS3Error, ExitCode} from './errors.js'
import {color} from './output.js'

const SECTIONS: {kind: FindingKind; title: string; clean: string}[] = [
  {
    kind: 'orphan',
    title: 'Orphans',
    clean: 'No bucket, user or key of this team without an add-on.',
  },
  {kind: 'missing', title: 'Missing', clean: 'Every add-on has its bucket, user and key.'},
  {kind: 'drift', title: 'Drift', clean: 'Every bucket keeps the settings byo-s3 applied.'},
  {kind: 'stuck', title: 'Stuck', clean: 'No add-on or key rotation is stuck.'},
  {kind: 'failing', title: 'Failing jobs', clean: 'No job is retrying or failed.'},
  {kind: 'retained', title: 'Retained buckets', clean: 'None.'},
]

/** A section per kind of finding: ✓ when there is none, else each finding with what to do. */
export function doctorLines(report: DoctorReport): string[] {
  const lines = [
    `Checked team ${color.team(report.team.name)} against AWS account ${report.awsAccountId} at ${report.checkedAt}.`,
  ]
  for (const {clean, kind, title} of SECTIONS) {
    const findings = report.findings.filter((finding) => finding.kind === kind)
    lines.push('', color.label(`=== ${title}`))
    if (findings.length === 0) {
      lines.push(`${color.success('✓')} ${clean}`)
      continue
    }

    for (const finding of findings) lines.push(...findingLines(finding))
  }

  return lines
}

function findingLines(finding: Finding): string[] {
  const mark = finding.kind === 'retained' ? '•' : color.failure('✗')
  const lines = [`${mark} ${finding.resource} ${finding.name}: ${finding.problem}`]
  if (finding.fix?.outcome === 'fixed')
    return [...lines, `  ${color.success('fixed')}: ${finding.fix.detail}`]
  if (finding.fix) lines.push(`  ${color.failure('fix failed')}: ${finding.fix.detail}`)

  return [...lines, `  → ${finding.action}`]
}

/** Exit code 8 while problems remain, so that a script can tell them from a failure to check. */
export function problemsError(report: DoctorReport): ByoS3Error {
  const some = report.problems === 1 ? '1 problem' : `${report.problems} problems`
  const next = report.findings.some((finding) => finding.fixable && finding.fix === null)
    ? ` Run heroku byo-s3:doctor --team ${report.team.name} --fix to repair what is safe to repair.`
    : ' Each one above says what to do.'
  return new ByoS3Error(`Team ${report.team.name} has ${some}.${next}`, ExitCode.problems)
}
