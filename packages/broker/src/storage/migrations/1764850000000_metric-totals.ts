import type {MigrationBuilder} from 'node-pg-migrate'

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    -- Counters every broker process adds to, so /metrics on a web dyno can report the AWS calls
    -- and jobs of the worker dynos (src/metrics/shared-counters.ts). One row per sample: a
    -- counter, or one bucket, the sum or the count of a histogram.
    create table metric_totals (
      name text not null,
      labels jsonb not null,
      value double precision not null,
      primary key (name, labels)
    );
  `)
}
