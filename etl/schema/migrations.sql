-- Brings a file built by an older version of Budget Lens to today's tables, after tables.sql
-- and before views.sql binds its views. Each step is idempotent and says what it undoes.

-- Documents before hand entry had no origin.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS origin VARCHAR DEFAULT 'report';

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
