-- Brings a file built by an older version of Budget Lens to today's tables, after tables.sql
-- and before views.sql binds its views. Each step is idempotent and says what it undoes.

-- Documents before hand entry had no origin.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS origin VARCHAR DEFAULT 'report';

-- Documents before document kinds had no kind, and their identity was always the title's.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS kind VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS kind_sentence VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS department_from VARCHAR DEFAULT 'title';
ALTER TABLE documents ADD COLUMN IF NOT EXISTS year_from VARCHAR DEFAULT 'title';

-- Documents before records had no part (etl.store.schema fills it in) and no record.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS part VARCHAR DEFAULT '';
ALTER TABLE documents ADD COLUMN IF NOT EXISTS record_id BIGINT;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS record_size INTEGER DEFAULT 1;
ALTER TABLE checks ADD COLUMN IF NOT EXISTS evidence VARCHAR DEFAULT '';

-- Documents and corrections before sign-in recorded nobody (NULL: who is not known).
ALTER TABLE documents ADD COLUMN IF NOT EXISTS loaded_by VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS restored_by VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS restored_at TIMESTAMP;
ALTER TABLE corrections ADD COLUMN IF NOT EXISTS corrected_by VARCHAR;

-- Figures before the table reader were all read from sentences: no row or column labels.
ALTER TABLE figures ADD COLUMN IF NOT EXISTS row_label VARCHAR DEFAULT '';
ALTER TABLE figures ADD COLUMN IF NOT EXISTS column_label VARCHAR DEFAULT '';
ALTER TABLE fund_sources ADD COLUMN IF NOT EXISTS row_label VARCHAR DEFAULT '';
ALTER TABLE fund_sources ADD COLUMN IF NOT EXISTS column_label VARCHAR DEFAULT '';
ALTER TABLE projects ADD COLUMN IF NOT EXISTS row_label VARCHAR DEFAULT '';
ALTER TABLE projects ADD COLUMN IF NOT EXISTS column_label VARCHAR DEFAULT '';

-- A summary from before reported_department: the column lets current_summary bind; the summary
-- then differs from report_summary_source in shape, so refresh_summaries rebuilds it whole.
ALTER TABLE IF EXISTS report_summary ADD COLUMN IF NOT EXISTS reported_department VARCHAR;

-- Views that are gone: replaced by report_summary (check_failures, report_fund_mix,
-- report_fund_levels), read by no query (staffing, report_projects, project_years), merged into
-- current_summary (report_indicators), or now a table (indicator_terms -> indicator_formulas).
DROP VIEW IF EXISTS check_failures;
DROP VIEW IF EXISTS report_fund_mix;
DROP VIEW IF EXISTS report_fund_levels;
DROP VIEW IF EXISTS staffing;
DROP VIEW IF EXISTS report_projects;
DROP VIEW IF EXISTS project_years;
DROP VIEW IF EXISTS report_indicators;
DROP VIEW IF EXISTS indicator_terms;
DROP MACRO IF EXISTS pct_change;

-- Hand-entered documents of such a file: their identity came from the template.
UPDATE documents SET department_from = 'manual', year_from = 'manual'
WHERE origin = 'manual' AND department_from = 'title';
