-- The views the pages read, and the read models (report_summary, fund_split_years) the loader
-- keeps equal to their *_source view. Every rate divides through ratio(); every indicator is
-- computed from indicator_formulas by indicator_value(), so each formula is stated once.

-- The correction in force per figure (withdrawn ones left out).
CREATE OR REPLACE VIEW figure_corrections AS
SELECT * FROM (
    SELECT * FROM corrections
    QUALIFY row_number() OVER (
        PARTITION BY document_id, section, item ORDER BY corrected_at DESC, correction_id DESC
    ) = 1
)
WHERE value IS NOT NULL;

-- Figures as every view counts them: the corrected value where there is a correction (flagged,
-- with the extracted value beside it), the extracted value otherwise.
CREATE OR REPLACE VIEW effective_figures AS
SELECT
    document_id, section, item,
    coalesce(c.value, f.value) AS value,
    coalesce(f.unit, c.unit) AS unit,
    f.wording, f.confidence, f.note, f.sentence, f.sentence_start, f.sentence_end,
    f.value_start, f.value_end, f.row_label, f.column_label,
    c.value IS NOT NULL AS corrected,
    f.value AS extracted_value,
    c.reason AS correction_reason,
    c.corrected_at,
    c.corrected_by
FROM figures AS f
FULL OUTER JOIN figure_corrections AS c USING (document_id, section, item);

-- Every current document (one per part of each department-year) with its record and the kind
-- precedence ranks it by; department is the canonical name (aliases applied).
CREATE OR REPLACE VIEW record_documents AS
SELECT
    d.* REPLACE (coalesce(a.department, d.department) AS department),
    d.department AS reported_department,
    split_part(d.part, ':', 1) AS source_kind,
    s.document_id IS NOT NULL AS synthetic
FROM documents AS d
LEFT JOIN department_aliases AS a ON a.alias = d.department
LEFT JOIN synthetic_documents AS s ON s.document_id = d.document_id
WHERE d.is_current;

-- One row per department-year: its record, named by its lead document (document_id =
-- record_id). Every view that speaks of a department-year counts these.
CREATE OR REPLACE VIEW current_documents AS
SELECT * FROM record_documents WHERE document_id = record_id;

-- Every figure every current document states, with its record and precedence rank (1 = best).
CREATE OR REPLACE VIEW figure_statements AS
SELECT
    m.record_id, f.*, m.file_name, split_part(m.part, ':', 1) AS source_kind, p.rank
FROM documents AS m
JOIN effective_figures AS f ON f.document_id = m.document_id
JOIN precedence AS p
    ON p.section = f.section AND p.item = f.item AND p.source_kind = split_part(m.part, ':', 1)
WHERE m.is_current;

-- The precedence rule over figures, for the given records of several documents: each figure
-- from its first document in precedence, a hand correction (of any of its documents) before all;
-- document_id is the record, source_document_id the document read. The write step materialises
-- it into merged_figures for the records it touched (etl.store.records).
CREATE OR REPLACE MACRO ranked_figures(records) AS TABLE
SELECT
    * EXCLUDE (record_id, document_id, rank, file_name, source_kind),
    record_id AS document_id,
    document_id AS source_document_id
FROM figure_statements
WHERE list_contains(records, record_id)
QUALIFY row_number() OVER (
    PARTITION BY record_id, section, item ORDER BY corrected DESC, rank, document_id DESC
) = 1;

-- Derived data, never edited: ranked_figures of every record of several documents.
CREATE TABLE IF NOT EXISTS merged_figures AS SELECT * FROM ranked_figures([]) LIMIT 0;

-- A record's figures: a record of one document (nearly all of them) is that document's own, read
-- by document_id so a filter on it reaches the scan; a record of several documents
-- (merged_records) is its rows of merged_figures. (Rows of documents that are no record's id
-- are never asked for: every reader names a record.)
CREATE OR REPLACE VIEW resolved_figures AS
SELECT *, document_id AS source_document_id
FROM effective_figures
WHERE document_id NOT IN (SELECT record_id FROM merged_records)
UNION ALL BY NAME
SELECT * FROM merged_figures;

-- Every same-year indicator of every department-year's record: the terms of indicator_formulas
-- over its resolved figures (a correction in force replaces the extracted value), by
-- document_id (the record) so a filter on it reaches the figure scans. value is NULL when an input is not
-- stated (stated < terms) or the denominator is 0, never 0 in their place.
CREATE OR REPLACE VIEW report_rates AS
SELECT
    d.document_id, t.indicator, t.scope,
    count(*) AS terms,
    count(e.value) AS stated,
    sum(t.numerator_coef * e.value) AS numerator,
    sum(t.denominator_coef * e.value) AS denominator,
    indicator_value(numerator, denominator, stated, terms) AS value
FROM current_documents AS d
CROSS JOIN indicator_formulas AS t
LEFT JOIN resolved_figures AS e
    ON e.document_id = d.document_id AND e.section = t.section AND e.item = t.item
WHERE t.year_offset = 0
GROUP BY d.document_id, t.indicator, t.scope;

-- Initial / adjusted / actual per section, plus their total when both sections are stated;
-- 调整率 and 执行率 from report_rates.
CREATE OR REPLACE VIEW budget_phases AS
WITH phases AS (
    SELECT
        d.document_id, d.department, d.year, s.section, s.section_order,
        max(f.value) FILTER (WHERE f.item = 'initial') AS initial_wan,
        max(f.value) FILTER (WHERE f.item = 'adjusted') AS adjusted_wan,
        max(f.value) FILTER (WHERE f.item = 'actual') AS actual_wan,
        coalesce(bool_or(f.corrected) FILTER (WHERE f.item = 'initial'), false)
            AS initial_corrected,
        coalesce(bool_or(f.corrected) FILTER (WHERE f.item = 'adjusted'), false)
            AS adjusted_corrected,
        coalesce(bool_or(f.corrected) FILTER (WHERE f.item = 'actual'), false)
            AS actual_corrected
    FROM current_documents AS d
    CROSS JOIN (VALUES ('basic', 1), ('project', 2)) AS s (section, section_order)
    LEFT JOIN resolved_figures AS f ON f.document_id = d.document_id AND f.section = s.section
    GROUP BY ALL
),
with_total AS (
    SELECT * FROM phases
    UNION ALL
    SELECT
        document_id, department, year, 'total', 3,
        CASE WHEN count(initial_wan) = 2 THEN sum(initial_wan) END,
        CASE WHEN count(adjusted_wan) = 2 THEN sum(adjusted_wan) END,
        CASE WHEN count(actual_wan) = 2 THEN sum(actual_wan) END,
        bool_or(initial_corrected), bool_or(adjusted_corrected), bool_or(actual_corrected)
    FROM phases
    GROUP BY document_id, department, year
),
rates AS (
    SELECT
        document_id, scope,
        max(value) FILTER (WHERE indicator = 'adjustment_rate') AS adjustment_rate,
        max(value) FILTER (WHERE indicator = 'execution_rate') AS execution_rate
    FROM report_rates
    WHERE indicator IN ('adjustment_rate', 'execution_rate')
    GROUP BY document_id, scope
)
SELECT
    p.*,
    p.adjusted_wan - p.initial_wan AS adjustment_wan,
    r.adjustment_rate,
    r.execution_rate
FROM with_total AS p
LEFT JOIN rates AS r ON r.document_id = p.document_id AND r.scope = p.section;

-- A record's fund split, whole from one document: the first in precedence ('lists',
-- 'fund_sources') that states one; document_id is the record, source_document_id the document.
CREATE OR REPLACE MACRO ranked_fund_sources(records) AS TABLE
SELECT f.* REPLACE (m.record_id AS document_id), f.document_id AS source_document_id
FROM fund_sources AS f
JOIN documents AS m ON m.document_id = f.document_id AND m.is_current
JOIN precedence AS p
    ON p.section = 'lists' AND p.item = 'fund_sources' AND p.source_kind = split_part(m.part, ':', 1)
WHERE list_contains(records, m.record_id)
QUALIFY dense_rank() OVER (PARTITION BY m.record_id ORDER BY p.rank, m.document_id DESC) = 1;

-- Derived data, never edited: ranked_fund_sources of every record of several documents.
CREATE TABLE IF NOT EXISTS merged_fund_sources AS SELECT * FROM ranked_fund_sources([]) LIMIT 0;

-- A record's fund split: a record of one document is its own, a record of several documents
-- (merged_records) its rows of merged_fund_sources.
CREATE OR REPLACE VIEW record_fund_sources AS
SELECT *, document_id AS source_document_id
FROM fund_sources
WHERE document_id NOT IN (SELECT record_id FROM merged_records)
UNION ALL BY NAME
SELECT * FROM merged_fund_sources;

-- Project funds per record and government level: the sum, first mention and sentences.
CREATE OR REPLACE VIEW report_fund_levels AS
SELECT
    f.document_id, f.level, l.level_order,
    sum(f.amount_wan) AS amount_wan,
    min(f.ordinal) AS first_ordinal,
    string_agg(DISTINCT f.sentence, ' / ') AS sentence
FROM record_fund_sources AS f
LEFT JOIN funding_levels AS l USING (level)
GROUP BY f.document_id, f.level, l.level_order;

-- fund_split and project_breakdown partition their windows by department, year and document:
-- the same groups as document_id alone (one current report per department-year), so a filter
-- on any of them reaches the scan instead of waiting for a window over every report.
CREATE OR REPLACE VIEW fund_split AS
SELECT
    d.document_id, d.department, d.year, f.level, f.level_order, f.amount_wan,
    ratio(f.amount_wan, sum(f.amount_wan) OVER (PARTITION BY d.department, d.year, d.document_id))
        AS share,
    f.first_ordinal, f.sentence
FROM report_fund_levels AS f JOIN current_documents AS d USING (document_id);

-- A project's own phases and 自评得分 side by side (NULL where the document does not state one).
CREATE OR REPLACE VIEW project_phases AS
SELECT
    document_id, ordinal,
    any_value(value) FILTER (WHERE item = 'initial') AS initial_wan,
    any_value(value) FILTER (WHERE item = 'adjusted') AS adjusted_wan,
    any_value(value) FILTER (WHERE item = 'actual') AS actual_wan,
    any_value(value) FILTER (WHERE item = 'score') AS score
FROM project_figures
GROUP BY document_id, ordinal;

-- Every project every current document names, with its record, whether it is on its own
-- project form, and the precedence rank of the document's list ('lists', 'projects').
CREATE OR REPLACE VIEW project_statements AS
SELECT
    m.record_id, m.record_size, p.*, project_key(p.name) AS project_key, m.file_name, m.part,
    split_part(m.part, ':', 1) AS source_kind,
    split_part(m.part, ':', 1) = 'project_evaluation' AS on_form,
    r.rank
FROM projects AS p
JOIN documents AS m ON m.document_id = p.document_id AND m.is_current
JOIN precedence AS r
    ON r.section = 'lists' AND r.item = 'projects' AND r.source_kind = split_part(m.part, ':', 1);

-- A record's projects: the list of its first document in precedence that is not a project form,
-- each matched by project_key to its own 项目支出绩效自评表 where one is loaded, then the projects
-- only a form names. amount_wan is the list's (what the department's total adds up to), else the
-- form's; the phases and score are the form's where it states them, else the list's. A record
-- of one document is its own list, read by document_id.
CREATE OR REPLACE MACRO ranked_projects(records) AS TABLE
WITH lists AS (
    SELECT * FROM project_statements
    WHERE NOT on_form AND list_contains(records, record_id)
    QUALIFY dense_rank() OVER (PARTITION BY record_id ORDER BY rank, document_id DESC) = 1
),
forms AS (
    SELECT * FROM project_statements
    WHERE on_form AND list_contains(records, record_id)
    QUALIFY row_number() OVER (
        PARTITION BY record_id, project_key ORDER BY document_id DESC, ordinal
    ) = 1
),
merged AS (
    SELECT
        coalesce(l.record_id, f.record_id) AS document_id,
        coalesce(l.name, f.name) AS name,
        coalesce(l.amount_wan, f.amount_wan) AS amount_wan,
        coalesce(nullif(l.purpose, ''), f.purpose, '') AS purpose,
        coalesce(l.sentence, f.sentence) AS sentence,
        coalesce(l.row_label, f.row_label) AS row_label,
        l.document_id AS list_document_id, l.ordinal AS list_ordinal,
        l.file_name AS list_file_name, l.source_kind AS list_kind,
        f.document_id AS form_document_id, f.ordinal AS form_ordinal,
        f.file_name AS form_file_name, f.amount_wan AS form_amount_wan, f.part AS form_part
    FROM lists AS l
    FULL OUTER JOIN forms AS f ON f.record_id = l.record_id AND f.project_key = l.project_key
)
SELECT
    document_id,
    CAST(row_number() OVER (
        PARTITION BY document_id
        ORDER BY list_ordinal NULLS LAST, form_part, form_ordinal
    ) AS INTEGER) AS ordinal,
    * EXCLUDE (document_id, form_part)
FROM merged;

-- Derived data, never edited: ranked_projects of every record of several documents.
CREATE TABLE IF NOT EXISTS merged_projects AS SELECT * FROM ranked_projects([]) LIMIT 0;

-- A record's projects: a record of one document is its own list (list_file_name NULL: the
-- record's own file), a record of several documents (merged_records) its rows of merged_projects.
CREATE OR REPLACE VIEW record_projects AS
SELECT
    document_id, ordinal, name, amount_wan, purpose, sentence, row_label,
    document_id AS list_document_id, ordinal AS list_ordinal
FROM projects
WHERE document_id NOT IN (SELECT record_id FROM merged_records)
UNION ALL BY NAME
SELECT * FROM merged_projects;

-- Each project of a department-year's record: its amount and share of the record's projects,
-- its phases, and its 执行率 as the report's own (indicator_formulas' execution_rate: actual ÷
-- adjusted); list_file_name names the document whose list names it (NULL when only its own form
-- does), form_file_name its own 项目支出绩效自评表 when one is loaded.
CREATE OR REPLACE VIEW project_breakdown AS
SELECT
    p.document_id, d.department, d.year, p.ordinal, p.name, p.amount_wan,
    ratio(p.amount_wan, sum(p.amount_wan) OVER (PARTITION BY d.department, d.year, p.document_id))
        AS share,
    coalesce(f.initial_wan, l.initial_wan) AS initial_wan,
    coalesce(f.adjusted_wan, l.adjusted_wan) AS adjusted_wan,
    coalesce(f.actual_wan, l.actual_wan) AS actual_wan,
    ratio(
        coalesce(f.actual_wan, l.actual_wan), coalesce(f.adjusted_wan, l.adjusted_wan)
    ) AS execution_rate,
    coalesce(f.score, l.score) AS score,
    p.purpose, p.sentence, p.row_label,
    -- NULL for a project only its own form names (no list of the record names it).
    CASE WHEN p.list_document_id IS NOT NULL THEN coalesce(p.list_file_name, d.file_name) END
        AS list_file_name,
    p.form_file_name, p.form_amount_wan
FROM record_projects AS p
JOIN current_documents AS d USING (document_id)
LEFT JOIN project_phases AS f
    ON f.document_id = p.form_document_id AND f.ordinal = p.form_ordinal
LEFT JOIN project_phases AS l
    ON l.document_id = p.list_document_id AND l.ordinal = p.list_ordinal;

-- A record's figures with the document each was read from (file, kind, origin).
CREATE OR REPLACE VIEW figure_provenance AS
SELECT
    d.department, d.year, f.*, s.file_name, split_part(s.part, ':', 1) AS source_kind,
    s.origin, s.kind
FROM resolved_figures AS f
JOIN current_documents AS d USING (document_id)
JOIN documents AS s ON s.document_id = f.source_document_id;

-- The checks in force per record: run again on the record (record_checks) when it was, else its
-- one document's own.
CREATE OR REPLACE VIEW record_findings AS
SELECT * FROM record_checks
WHERE document_id IN (SELECT record_id FROM rechecked_records)
UNION ALL BY NAME
SELECT * FROM checks
WHERE document_id NOT IN (SELECT record_id FROM rechecked_records);

CREATE OR REPLACE VIEW check_results AS
SELECT d.department, d.year, c.*
FROM record_findings AS c JOIN current_documents AS d USING (document_id);

-- What a finding compares, for its stable key: a project check's projects (project_key), a
-- cross-document figure check's kinds of document in the order compared; nothing for the rest
-- (their rule and figures name them within a department-year).
CREATE OR REPLACE MACRO finding_subject(rule, evidence) AS CASE
    WHEN evidence = '' OR rule = 'project_forms_total' THEN ''
    WHEN rule = 'project_amount_differs' THEN array_to_string(list_sort(list_distinct(
        list_transform(
            list_filter(json_extract_string(evidence, '$[*].project'), lambda x: x IS NOT NULL),
            lambda x: project_key(x)
        )
    )), ',')
    ELSE array_to_string(json_extract_string(evidence, '$[*].kind'), ',')
END;

-- The findings of every current record (failed errors and warnings, as failing_checks counts
-- them) with their stable key within the department-year: rule|figures|subject, and #2, #3 …
-- for a repeat in check order. A new version of a document gives its findings new rows but the
-- same keys, so what a reviewer made of them (finding_dispositions) carries over.
CREATE OR REPLACE VIEW keyed_findings AS
SELECT
    * EXCLUDE (base_key, repeat),
    base_key || CASE WHEN repeat > 1 THEN '#' || repeat ELSE '' END AS finding_key
FROM (
    SELECT
        c.*,
        c.rule || '|' || c.fields || '|' || finding_subject(c.rule, c.evidence) AS base_key,
        row_number() OVER (
            PARTITION BY c.document_id, c.rule, c.fields, finding_subject(c.rule, c.evidence)
            ORDER BY c.ordinal
        ) AS repeat
    FROM check_results AS c
    WHERE NOT c.passed AND c.severity <> 'info'
);

-- The latest review per department-year and the latest disposition per finding.
CREATE OR REPLACE VIEW current_reviews AS
SELECT * FROM reviews
QUALIFY row_number() OVER (
    PARTITION BY department, year ORDER BY reviewed_at DESC, review_id DESC
) = 1;

CREATE OR REPLACE VIEW current_dispositions AS
SELECT * FROM finding_dispositions
QUALIFY row_number() OVER (
    PARTITION BY department, year, finding_key ORDER BY disposed_at DESC, disposition_id DESC
) = 1;

-- Every finding of a current record with its disposition (NULL: not yet looked at), then the
-- findings a reviewer marked that no longer fire (resolved: 已解决), as they read when marked.
-- open: fires and is not explained away (no disposition, or 确认问题).
CREATE OR REPLACE VIEW review_findings AS
SELECT
    k.department, k.year, k.document_id, k.ordinal, k.finding_key, k.rule, k.severity,
    k.message, k.expected_wan, k.actual_wan, k.difference_wan, k.fields, k.evidence,
    d.disposition, d.note, d.reviewer, d.disposed_at,
    false AS resolved,
    coalesce(d.disposition, 'confirmed') = 'confirmed' AS open
FROM keyed_findings AS k
LEFT JOIN current_dispositions AS d USING (department, year, finding_key)
UNION ALL BY NAME
SELECT
    d.department, d.year, r.document_id, NULL AS ordinal, d.finding_key, d.rule,
    NULL AS severity, d.message, NULL AS expected_wan, NULL AS actual_wan,
    NULL AS difference_wan, NULL AS fields, '' AS evidence,
    d.disposition, d.note, d.reviewer, d.disposed_at,
    true AS resolved,
    false AS open
FROM current_dispositions AS d
JOIN current_documents AS r USING (department, year)
WHERE NOT EXISTS (
    SELECT 1 FROM keyed_findings AS k
    WHERE k.department = d.department AND k.year = d.year AND k.finding_key = d.finding_key
);

-- Every current department-year with its review status (pending when never reviewed), the
-- latest reviewer, time and notes, its open findings, when its newest document was loaded, and
-- whether it was sent back and a document has been loaded since (resubmitted: to review again).
CREATE OR REPLACE VIEW review_statuses AS
SELECT
    d.department, d.year, d.document_id,
    coalesce(r.status, 'pending') AS status,
    r.reviewer, r.notes, r.reviewed_at,
    coalesce(f.open_findings, 0) AS open_findings,
    coalesce(f.findings, 0) AS findings,
    m.latest_loaded_at,
    coalesce(r.status = 'returned' AND m.latest_loaded_at > r.reviewed_at, false) AS resubmitted
FROM current_documents AS d
LEFT JOIN current_reviews AS r USING (department, year)
LEFT JOIN (
    SELECT document_id, CAST(count(*) FILTER (WHERE open) AS INTEGER) AS open_findings,
        CAST(count(*) FILTER (WHERE NOT resolved) AS INTEGER) AS findings
    FROM review_findings GROUP BY document_id
) AS f ON f.document_id = d.document_id
LEFT JOIN (
    SELECT record_id, max(loaded_at) AS latest_loaded_at FROM documents
    WHERE is_current GROUP BY record_id
) AS m ON m.record_id = d.document_id;

-- One row per report version (current or not): every figure the cross-department and
-- year-over-year questions need, side by side, and the same-year indicators of report_rates.
-- Figures are the effective ones. A rate is NULL when one of its inputs is not stated (never 0);
-- totals need both basic and project stated, as in budget_phases. The loader keeps the table
-- report_summary equal to this view (refresh_summaries, at the end of every write), so pages read
-- one narrow row per report instead of pivoting millions of figure rows on every click.
CREATE OR REPLACE VIEW report_summary_source AS
WITH wide AS (
    SELECT
        document_id,
        CAST(count(*) FILTER (WHERE corrected) AS INTEGER) AS corrected_figures,
        any_value(value) FILTER (WHERE section = 'basic' AND item = 'initial')
            AS basic_initial_wan,
        any_value(value) FILTER (WHERE section = 'basic' AND item = 'adjusted')
            AS basic_adjusted_wan,
        any_value(value) FILTER (WHERE section = 'basic' AND item = 'actual')
            AS basic_actual_wan,
        any_value(value) FILTER (WHERE section = 'basic' AND item = 'personnel')
            AS basic_personnel_wan,
        any_value(value) FILTER (WHERE section = 'basic' AND item = 'public')
            AS basic_public_wan,
        any_value(value) FILTER (WHERE section = 'project' AND item = 'initial')
            AS project_initial_wan,
        any_value(value) FILTER (WHERE section = 'project' AND item = 'adjusted')
            AS project_adjusted_wan,
        any_value(value) FILTER (WHERE section = 'project' AND item = 'actual')
            AS project_actual_wan,
        any_value(value) FILTER (WHERE section = 'three_public' AND item = 'budget')
            AS three_public_budget_wan,
        any_value(value) FILTER (WHERE section = 'three_public' AND item = 'actual')
            AS three_public_actual_wan,
        CAST(any_value(value) FILTER (WHERE section = 'staffing' AND item = 'authorized')
            AS INTEGER) AS staff_authorized,
        CAST(any_value(value) FILTER (WHERE section = 'staffing' AND item = 'actual')
            AS INTEGER) AS staff_actual
    FROM resolved_figures
    GROUP BY document_id
),
totals AS (
    SELECT
        d.document_id,
        d.year,
        d.reported_department,
        p.* EXCLUDE (document_id, corrected_figures),
        CAST(basic_initial_wan + project_initial_wan AS DECIMAL(18, 6)) AS total_initial_wan,
        CAST(basic_adjusted_wan + project_adjusted_wan AS DECIMAL(18, 6)) AS total_adjusted_wan,
        CAST(basic_actual_wan + project_actual_wan AS DECIMAL(18, 6)) AS total_actual_wan,
        coalesce(p.corrected_figures, 0) AS corrected_figures,
        CAST(m.record_size AS INTEGER) AS record_size
    FROM current_documents AS d
    LEFT JOIN wide AS p ON p.document_id = d.document_id
    LEFT JOIN (
        SELECT record_id, count(*) AS record_size FROM documents WHERE is_current GROUP BY record_id
    ) AS m ON m.record_id = d.document_id
),
rates AS (
    SELECT
        document_id,
        max(value) FILTER (WHERE indicator = 'adjustment_rate' AND scope = 'total')
            AS adjustment_rate,
        max(value) FILTER (WHERE indicator = 'execution_rate' AND scope = 'total')
            AS execution_rate,
        max(value) FILTER (WHERE indicator = 'three_public_control_rate')
            AS three_public_control_rate,
        max(value) FILTER (WHERE indicator = 'staff_control_rate') AS staff_control_rate,
        max(value) FILTER (WHERE indicator = 'personnel_share') AS personnel_share
    FROM report_rates
    GROUP BY document_id
),
funds AS (
    SELECT
        document_id,
        CAST(sum(amount_wan) FILTER (WHERE level = 'central') AS DECIMAL(18, 6)) AS central_wan,
        CAST(sum(amount_wan) FILTER (WHERE level = 'provincial') AS DECIMAL(18, 6))
            AS provincial_wan,
        CAST(sum(amount_wan) FILTER (WHERE level = 'city') AS DECIMAL(18, 6)) AS city_wan,
        CAST(sum(amount_wan) FILTER (WHERE level = 'district') AS DECIMAL(18, 6)) AS district_wan,
        CAST(sum(amount_wan) FILTER (WHERE level = 'other') AS DECIMAL(18, 6)) AS other_wan,
        CAST(sum(amount_wan) AS DECIMAL(18, 6)) AS fund_total_wan
    FROM report_fund_levels
    GROUP BY document_id
),
project_sums AS (
    SELECT
        document_id,
        CAST(count(*) AS INTEGER) AS project_count,
        CAST(sum(amount_wan) AS DECIMAL(18, 6)) AS projects_sum_wan,
        max(amount_wan) AS largest_project_wan
    FROM record_projects
    GROUP BY document_id
),
-- Failed checks: errors and warnings (a rule that fails with severity info, e.g. a high 调整率
-- whose reason the report states, is not counted).
failures AS (
    SELECT
        document_id,
        CAST(count(*) FILTER (WHERE NOT passed AND severity <> 'info') AS INTEGER)
            AS failing_checks,
        CAST(count(*) FILTER (WHERE NOT passed AND severity = 'error') AS INTEGER)
            AS failing_errors,
        CAST(count(*) FILTER (WHERE NOT passed AND severity = 'warning') AS INTEGER)
            AS failing_warnings
    FROM record_findings
    GROUP BY document_id
)
SELECT
    t.*,
    r.* EXCLUDE (document_id),
    f.* EXCLUDE (document_id),
    coalesce(p.project_count, 0) AS project_count,
    p.projects_sum_wan,
    p.largest_project_wan,
    coalesce(x.failing_checks, 0) AS failing_checks,
    coalesce(x.failing_errors, 0) AS failing_errors,
    coalesce(x.failing_warnings, 0) AS failing_warnings
FROM totals AS t
LEFT JOIN rates AS r ON r.document_id = t.document_id
LEFT JOIN funds AS f ON f.document_id = t.document_id
LEFT JOIN project_sums AS p ON p.document_id = t.document_id
LEFT JOIN failures AS x ON x.document_id = t.document_id;

-- Derived data, never edited: report_summary_source materialised, one row per document_id.
CREATE TABLE IF NOT EXISTS report_summary AS SELECT * FROM report_summary_source LIMIT 0;

-- Summary rows of every department-year with the department's canonical name: every question
-- over the departments of a year (部门对比, 全部部门) reads this. report_summary holds one row per
-- current record (etl.store.records keeps it so), and the alias comes from the small alias
-- table, so a question over every report never joins two tables of millions of rows.
CREATE OR REPLACE VIEW current_summary AS
SELECT
    coalesce(a.department, s.reported_department) AS department,
    s.* EXCLUDE (reported_department)
FROM report_summary AS s
LEFT JOIN department_aliases AS a ON a.alias = s.reported_department;

-- Project funds per year and government level over current reports (the 全部部门 page): amount_wan
-- the level's sum, reports how many reports state the level, total_wan every level's funds of
-- the year. The loader rewrites fund_split_years from this after every write (a new version
-- changes which reports count), so a visit reads a few rows per year.
CREATE OR REPLACE VIEW fund_split_years_source AS
WITH funds AS (
    SELECT d.year, f.document_id, f.level, f.level_order, f.amount_wan
    FROM report_fund_levels AS f JOIN current_documents AS d USING (document_id)
    WHERE f.level_order IS NOT NULL
),
totals AS (SELECT year, sum(amount_wan) AS total_wan FROM funds GROUP BY year)
SELECT
    f.year, f.level_order, f.level, sum(f.amount_wan) AS amount_wan,
    count(DISTINCT f.document_id) AS reports, t.total_wan
FROM funds AS f
JOIN totals AS t ON t.year = f.year
GROUP BY f.year, f.level_order, f.level, t.total_wan;

-- Derived data, never edited: fund_split_years_source materialised.
CREATE TABLE IF NOT EXISTS fund_split_years AS SELECT * FROM fund_split_years_source LIMIT 0;

-- Every input of every indicator of every current report: its value (NULL when the report, or
-- the previous year's report, does not state it) with the wording and sentence it was read from.
CREATE OR REPLACE VIEW indicator_inputs AS
SELECT
    d.document_id, d.department, d.year, t.indicator, t.indicator_order, t.scope, t.term,
    t.section, t.item, d.year + t.year_offset AS input_year, t.numerator_coef,
    t.denominator_coef, f.value, f.unit, f.wording, f.sentence, f.file_name
FROM current_documents AS d
CROSS JOIN indicator_formulas AS t
LEFT JOIN figure_provenance AS f
    ON f.department = d.department AND f.year = d.year + t.year_offset
    AND f.section = t.section AND f.item = t.item;

-- One row per current report, indicator and scope. value is NULL when an input is missing
-- (missing_inputs > 0) or the denominator is 0, never 0 in their place. flagged: 预算调整率 beyond
-- the limit either way (settings: adjustment_rate_limit), 三公 actual above budget, or more staff
-- than posts (在职人员控制率 above 100 %).
CREATE OR REPLACE VIEW standard_indicators AS
WITH sums AS (
    SELECT
        document_id, department, year, indicator, indicator_order, scope,
        count(*) - count(value) AS missing_inputs,
        CASE WHEN count(value) = count(*) THEN sum(numerator_coef * value) END AS numerator,
        CASE WHEN count(value) = count(*) THEN sum(denominator_coef * value) END AS denominator,
        indicator_value(numerator, denominator, count(value), count(*)) AS value
    FROM indicator_inputs
    GROUP BY document_id, department, year, indicator, indicator_order, scope
)
SELECT
    *,
    coalesce(
        CASE indicator
            WHEN 'adjustment_rate' THEN denominator <> 0 AND abs(numerator) > (
                SELECT value FROM settings WHERE name = 'adjustment_rate_limit'
            ) * denominator
            WHEN 'three_public_control_rate' THEN numerator > denominator
            WHEN 'staff_control_rate' THEN numerator > denominator
        END,
        false
    ) AS flagged
FROM sums;
