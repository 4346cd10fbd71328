-- The roles of a team ledger on PostgreSQL (docs/postgresql-ledger.md).
--
-- Run by the ledger's owner role (the role that created the tables: the first easeml-ci command
-- that opened the database with that role's URL, e.g. `easeml-ci ledger migrate --to` or
-- `easeml-ci testset add`), in the ledger's database, naming the CI role:
--
--   psql "postgresql://easeml_owner@db/ledger" -v ci=easeml_ci -f scripts/postgres-ledger-roles.sql
--
-- The owner registers, amends, retires and releases test sets and reads everything (hidden verdicts
-- stay sealed under the owner's key whatever a role may read). The CI role may charge a check and
-- nothing else: read every table; insert evaluations, accepted models, events and the check's
-- lineage run; set the retirement columns of a test set (a charge retires a set its budget rule
-- ends). It may not change a set's steps, size or question, un-retire it, update or delete an
-- evaluation or an event, or touch ledger_meta; the append-only triggers refuse the rest even to the
-- owner. Anyone else (a developer without either role's credentials) gets nothing: no connection
-- grants, no table grants.
\set ON_ERROR_STOP 1
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"ci";
GRANT SELECT ON ALL TABLES IN SCHEMA public TO :"ci";
GRANT INSERT ON evaluations, accepted_models, events, lineage_runs TO :"ci";
GRANT UPDATE (retired_at, retired_reason) ON test_sets TO :"ci";
GRANT USAGE ON SEQUENCE evaluations_id_seq, accepted_models_id_seq, lineage_runs_id_seq TO :"ci";
