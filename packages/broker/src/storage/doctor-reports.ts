import type {Queryable} from './db.js'
import {queryOne} from './db.js'

/** The latest drift check of a team: its report, or why it could not run. */
export interface DoctorRecord<Report> {
  teamId: string
  checkedAt: Date
  report: Report | null
  error: string | null
}

export async function saveDoctorRecord<Report>(
  db: Queryable,
  teamId: string,
  outcome: {report: Report} | {error: string},
): Promise<void> {
  await db.query(
    `insert into doctor_reports (team_id, checked_at, report, error) values ($1, now(), $2, $3)
     on conflict (team_id) do update set
       checked_at = excluded.checked_at, report = excluded.report, error = excluded.error`,
    [
      teamId,
      'report' in outcome ? JSON.stringify(outcome.report) : null,
      'error' in outcome ? outcome.error : null,
    ],
  )
}

export function findDoctorRecord<Report>(
  db: Queryable,
  teamId: string,
): Promise<DoctorRecord<Report> | undefined> {
  return queryOne<DoctorRecord<Report>>(
    db,
    `select team_id as "teamId", checked_at as "checkedAt", report, error
       from doctor_reports where team_id = $1`,
    [teamId],
  )
}
