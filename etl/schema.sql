-- The one place that owns the schema: tables the loader writes, views the pages read.
-- Amounts are DECIMAL(18, 6) in 万元: a figure stated in 元 stays exact to the fen.
-- Every statement is idempotent, so applying this file to an existing database is safe.

CREATE SEQUENCE IF NOT EXISTS document_id_seq START 1;

-- The SHA-256 of the schema.sql that last built this file (one row, written by the loader
-- after this file is applied): the app brings a file built by another version up to date.
CREATE TABLE IF NOT EXISTS schema_applied (sha256 VARCHAR NOT NULL);

-- A name as compared across reports: full-width ASCII (（）０-９Ａ-Ｚ…) and the ideographic space
-- as ASCII, as etl.amounts.normalise does for the extractor, then without any whitespace.
CREATE OR REPLACE MACRO name_key(name) AS regexp_replace(
    translate(
        name,
        '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　',
        '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~ '
    ),
    '\s+', '', 'g'
);

-- A project matched across years: its name_key, with the report's counter word 项 after 费
-- dropped (党建经费项 2.8万元 = 党建经费, as the extractor reads it) and 经费 written as 费
-- (治理平台维护经费 = 治理平台维护费: both name the funds for the same item of work).
CREATE OR REPLACE MACRO project_key(name) AS
    regexp_replace(regexp_replace(name_key(name), '费项$', '费'), '经费$', '费');

-- (now − before) ÷ before as a fraction; NULL when either is missing or before is 0.
CREATE OR REPLACE MACRO pct_change(now, before) AS
    CAST(now - before AS DOUBLE) / CAST(nullif(before, 0) AS DOUBLE);

-- One row per loaded report file (matched by content hash). A department-year may have several
-- versions; exactly one is current, and every view counts only current ones.
CREATE TABLE IF NOT EXISTS documents (
    document_id BIGINT PRIMARY KEY DEFAULT nextval('document_id_seq'),
    sha256 VARCHAR NOT NULL UNIQUE,
    file_name VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    department VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    is_current BOOLEAN NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    text_chars INTEGER NOT NULL,
    title_sentence VARCHAR,
    -- 'report' (read from a report file) or 'manual' (手工录入 through the template).
    origin VARCHAR NOT NULL DEFAULT 'report'
);
-- A database built before documents had an origin gets it on its next load.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS origin VARCHAR DEFAULT 'report';

-- Scalar figures with provenance: basic / project phases, personnel / public, 三公, staffing.
-- unit is 万元 for amounts and 人 for staffing head counts.
CREATE TABLE IF NOT EXISTS figures (
    document_id BIGINT NOT NULL,
    section VARCHAR NOT NULL,
    item VARCHAR NOT NULL,
    value DECIMAL(18, 6) NOT NULL,
    unit VARCHAR NOT NULL,
    wording VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL,
    note VARCHAR NOT NULL,
    sentence VARCHAR NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    value_start INTEGER NOT NULL,
    value_end INTEGER NOT NULL,
    PRIMARY KEY (document_id, section, item)
);

CREATE TABLE IF NOT EXISTS fund_sources (
    document_id BIGINT NOT NULL,
    ordinal INTEGER NOT NULL,
    level VARCHAR NOT NULL,
    amount_wan DECIMAL(18, 6) NOT NULL,
    wording VARCHAR NOT NULL,
    sentence VARCHAR NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    value_start INTEGER NOT NULL,
    value_end INTEGER NOT NULL,
    PRIMARY KEY (document_id, ordinal)
);

CREATE TABLE IF NOT EXISTS projects (
    document_id BIGINT NOT NULL,
    ordinal INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    amount_wan DECIMAL(18, 6) NOT NULL,
    purpose VARCHAR NOT NULL,
    sentence VARCHAR NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    value_start INTEGER NOT NULL,
    value_end INTEGER NOT NULL,
    PRIMARY KEY (document_id, ordinal)
);

-- Every rule applied to a report, passed ones included, so the audit view can show both.
CREATE TABLE IF NOT EXISTS checks (
    document_id BIGINT NOT NULL,
    ordinal INTEGER NOT NULL,
    rule VARCHAR NOT NULL,
    severity VARCHAR NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
    passed BOOLEAN NOT NULL,
    message VARCHAR NOT NULL,
    expected_wan DECIMAL(18, 6),
    actual_wan DECIMAL(18, 6),
    difference_wan DECIMAL(18, 6),
    fields VARCHAR NOT NULL,
    PRIMARY KEY (document_id, ordinal)
);

CREATE SEQUENCE IF NOT EXISTS correction_id_seq START 1;

-- Corrections typed in the app (数据核对 → 更正数字), kept beside the extracted figure and never
-- over it: the latest row per figure applies, and a row whose value is NULL withdraws the ones
-- before it. A correction may fill in a figure the report does not state.
CREATE TABLE IF NOT EXISTS corrections (
    correction_id BIGINT PRIMARY KEY DEFAULT nextval('correction_id_seq'),
    document_id BIGINT NOT NULL,
    section VARCHAR NOT NULL,
    item VARCHAR NOT NULL,
    value DECIMAL(18, 6),
    unit VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    corrected_at TIMESTAMP NOT NULL
);

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
    f.value_start, f.value_end,
    c.value IS NOT NULL AS corrected,
    f.value AS extracted_value,
    c.reason AS correction_reason,
    c.corrected_at
FROM figures AS f
FULL OUTER JOIN figure_corrections AS c USING (document_id, section, item);

-- data/department_aliases.csv, replaced by the loader on every load and rebuild: a report whose
-- title names `alias` is the department `department` (天心区交通运输局 = 长沙市天心区交通运输局).
-- The loader stores each alias as written and as name_key(alias), so it matches a title as the
-- extractor writes it (normalised) and a name typed by hand.
CREATE TABLE IF NOT EXISTS department_aliases (
    alias VARCHAR PRIMARY KEY,
    department VARCHAR NOT NULL
);

-- What the loader keeps about this database: aliases_path = the alias file it was last given
-- explicitly (`--aliases`, the demo's own); without it loads read data/department_aliases.csv.
CREATE TABLE IF NOT EXISTS load_settings (
    name VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- A department name as every view shows it: its alias target, or the name itself.
CREATE OR REPLACE MACRO canonical_department(name) AS
    coalesce((SELECT a.department FROM department_aliases AS a WHERE a.alias = name), name);

-- Reports generated by `python -m etl demo`: the loader flags a report whose text carries the
-- demo marker (etl.load.SYNTHETIC_MARK), so the app can say it shows 示例数据 wherever it goes.
CREATE TABLE IF NOT EXISTS synthetic_documents (
    document_id BIGINT PRIMARY KEY
);

-- department is the canonical name (aliases applied); reported_department is the title's own.
CREATE OR REPLACE VIEW current_documents AS
SELECT
    d.* REPLACE (coalesce(a.department, d.department) AS department),
    d.department AS reported_department,
    s.document_id IS NOT NULL AS synthetic
FROM documents AS d
LEFT JOIN department_aliases AS a ON a.alias = d.department
LEFT JOIN synthetic_documents AS s ON s.document_id = d.document_id
WHERE d.is_current;

CREATE OR REPLACE VIEW staffing AS
SELECT d.department, d.year, f.document_id, f.item, CAST(f.value AS INTEGER) AS persons, f.sentence
FROM effective_figures AS f JOIN current_documents AS d USING (document_id)
WHERE f.section = 'staffing';

-- Initial / adjusted / actual per section, plus their total when both sections are stated.
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
    LEFT JOIN effective_figures AS f ON f.document_id = d.document_id AND f.section = s.section
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
)
SELECT
    *,
    adjusted_wan - initial_wan AS adjustment_wan,
    CAST(adjusted_wan - initial_wan AS DOUBLE) / CAST(nullif(initial_wan, 0) AS DOUBLE)
        AS adjustment_rate,
    CAST(actual_wan AS DOUBLE) / CAST(nullif(adjusted_wan, 0) AS DOUBLE) AS execution_rate
FROM with_total;

-- fund_split and project_breakdown partition their windows by department, year and document:
-- the same groups as document_id alone (one current report per department-year), but a filter
-- on department and year then reaches the scan instead of waiting for a window over every
-- report (8 s -> 7 ms at 10M project rows).
CREATE OR REPLACE VIEW fund_split AS
SELECT
    d.document_id, d.department, d.year, f.level,
    sum(f.amount_wan) AS amount_wan,
    CAST(sum(f.amount_wan) AS DOUBLE)
        / CAST(sum(sum(f.amount_wan)) OVER (PARTITION BY d.department, d.year, d.document_id)
            AS DOUBLE) AS share,
    min(f.ordinal) AS first_ordinal,
    string_agg(DISTINCT f.sentence, ' / ') AS sentence
FROM fund_sources AS f JOIN current_documents AS d USING (document_id)
GROUP BY d.document_id, d.department, d.year, f.level;

CREATE OR REPLACE VIEW project_breakdown AS
SELECT
    d.document_id, d.department, d.year, p.ordinal, p.name, p.amount_wan,
    CAST(p.amount_wan AS DOUBLE)
        / CAST(sum(p.amount_wan) OVER (PARTITION BY d.department, d.year, d.document_id)
            AS DOUBLE) AS share,
    p.purpose, p.sentence
FROM projects AS p JOIN current_documents AS d USING (document_id);

CREATE OR REPLACE VIEW figure_provenance AS
SELECT d.department, d.year, d.file_name, f.*, d.origin
FROM effective_figures AS f JOIN current_documents AS d USING (document_id);

CREATE OR REPLACE VIEW check_results AS
SELECT d.department, d.year, c.*
FROM checks AS c JOIN current_documents AS d USING (document_id);

-- One row per report version (current or not): every figure the cross-department and
-- year-over-year questions need, side by side, and the standard indicators of 财预〔2013〕53号 that
-- they give. Figures are the effective ones (a correction in force replaces the extracted value).
-- A rate is NULL when one of its inputs is not stated (never 0); totals need both basic and
-- project stated, as in budget_phases. The loader keeps the table report_summary equal to this
-- view (etl.load.refresh_summaries, at the end of every write), so pages read one narrow row per
-- report instead of pivoting millions of figure rows on every click.
CREATE OR REPLACE VIEW report_summary_source AS
WITH extracted AS (
    SELECT
        document_id,
        max(value) FILTER (WHERE section = 'basic' AND item = 'initial') AS basic_initial_wan,
        max(value) FILTER (WHERE section = 'basic' AND item = 'adjusted') AS basic_adjusted_wan,
        max(value) FILTER (WHERE section = 'basic' AND item = 'actual') AS basic_actual_wan,
        max(value) FILTER (WHERE section = 'basic' AND item = 'personnel') AS basic_personnel_wan,
        max(value) FILTER (WHERE section = 'basic' AND item = 'public') AS basic_public_wan,
        max(value) FILTER (WHERE section = 'project' AND item = 'initial') AS project_initial_wan,
        max(value) FILTER (WHERE section = 'project' AND item = 'adjusted') AS project_adjusted_wan,
        max(value) FILTER (WHERE section = 'project' AND item = 'actual') AS project_actual_wan,
        max(value) FILTER (WHERE section = 'three_public' AND item = 'budget')
            AS three_public_budget_wan,
        max(value) FILTER (WHERE section = 'three_public' AND item = 'actual')
            AS three_public_actual_wan,
        max(value) FILTER (WHERE section = 'staffing' AND item = 'authorized') AS staff_authorized,
        max(value) FILTER (WHERE section = 'staffing' AND item = 'actual') AS staff_actual
    FROM figures
    GROUP BY document_id
),
-- The same pivot over the corrections in force (figure_corrections), to lay over the extracted.
corrected AS (
    SELECT
        document_id,
        count(*) AS corrected_figures,
        max(value) FILTER (WHERE section = 'basic' AND item = 'initial') AS basic_initial_wan,
        max(value) FILTER (WHERE section = 'basic' AND item = 'adjusted') AS basic_adjusted_wan,
        max(value) FILTER (WHERE section = 'basic' AND item = 'actual') AS basic_actual_wan,
        max(value) FILTER (WHERE section = 'basic' AND item = 'personnel') AS basic_personnel_wan,
        max(value) FILTER (WHERE section = 'basic' AND item = 'public') AS basic_public_wan,
        max(value) FILTER (WHERE section = 'project' AND item = 'initial') AS project_initial_wan,
        max(value) FILTER (WHERE section = 'project' AND item = 'adjusted') AS project_adjusted_wan,
        max(value) FILTER (WHERE section = 'project' AND item = 'actual') AS project_actual_wan,
        max(value) FILTER (WHERE section = 'three_public' AND item = 'budget')
            AS three_public_budget_wan,
        max(value) FILTER (WHERE section = 'three_public' AND item = 'actual')
            AS three_public_actual_wan,
        max(value) FILTER (WHERE section = 'staffing' AND item = 'authorized') AS staff_authorized,
        max(value) FILTER (WHERE section = 'staffing' AND item = 'actual') AS staff_actual
    FROM figure_corrections
    GROUP BY document_id
),
wide AS (
    SELECT
        d.document_id,
        d.year,
        d.department AS reported_department,
        coalesce(c.basic_initial_wan, e.basic_initial_wan) AS basic_initial_wan,
        coalesce(c.basic_adjusted_wan, e.basic_adjusted_wan) AS basic_adjusted_wan,
        coalesce(c.basic_actual_wan, e.basic_actual_wan) AS basic_actual_wan,
        coalesce(c.basic_personnel_wan, e.basic_personnel_wan) AS basic_personnel_wan,
        coalesce(c.basic_public_wan, e.basic_public_wan) AS basic_public_wan,
        coalesce(c.project_initial_wan, e.project_initial_wan) AS project_initial_wan,
        coalesce(c.project_adjusted_wan, e.project_adjusted_wan) AS project_adjusted_wan,
        coalesce(c.project_actual_wan, e.project_actual_wan) AS project_actual_wan,
        coalesce(c.three_public_budget_wan, e.three_public_budget_wan) AS three_public_budget_wan,
        coalesce(c.three_public_actual_wan, e.three_public_actual_wan) AS three_public_actual_wan,
        CAST(coalesce(c.staff_authorized, e.staff_authorized) AS INTEGER) AS staff_authorized,
        CAST(coalesce(c.staff_actual, e.staff_actual) AS INTEGER) AS staff_actual,
        CAST(coalesce(c.corrected_figures, 0) AS INTEGER) AS corrected_figures
    FROM documents AS d
    LEFT JOIN extracted AS e ON e.document_id = d.document_id
    LEFT JOIN corrected AS c ON c.document_id = d.document_id
),
totals AS (
    SELECT
        *,
        CAST(basic_initial_wan + project_initial_wan AS DECIMAL(18, 6)) AS total_initial_wan,
        CAST(basic_adjusted_wan + project_adjusted_wan AS DECIMAL(18, 6)) AS total_adjusted_wan,
        CAST(basic_actual_wan + project_actual_wan AS DECIMAL(18, 6)) AS total_actual_wan
    FROM wide
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
    FROM fund_sources
    GROUP BY document_id
),
project_sums AS (
    SELECT
        document_id,
        CAST(count(*) AS INTEGER) AS project_count,
        CAST(sum(amount_wan) AS DECIMAL(18, 6)) AS projects_sum_wan,
        max(amount_wan) AS largest_project_wan
    FROM projects
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
    FROM checks
    GROUP BY document_id
),
-- The newest correction row of the report, withdrawals included: a summary row older than it
-- is refreshed.
latest_correction AS (
    SELECT document_id, max(correction_id) AS last_correction_id
    FROM corrections
    GROUP BY document_id
)
SELECT
    t.*,
    CAST(total_adjusted_wan - total_initial_wan AS DOUBLE)
        / CAST(nullif(total_initial_wan, 0) AS DOUBLE) AS adjustment_rate,
    CAST(total_actual_wan AS DOUBLE) / CAST(nullif(total_adjusted_wan, 0) AS DOUBLE)
        AS execution_rate,
    CAST(three_public_actual_wan AS DOUBLE) / CAST(nullif(three_public_budget_wan, 0) AS DOUBLE)
        AS three_public_control_rate,
    CAST(staff_actual AS DOUBLE) / nullif(staff_authorized, 0) AS staff_control_rate,
    CAST(basic_personnel_wan AS DOUBLE) / CAST(nullif(basic_actual_wan, 0) AS DOUBLE)
        AS personnel_share,
    f.* EXCLUDE (document_id),
    coalesce(p.project_count, 0) AS project_count,
    p.projects_sum_wan,
    p.largest_project_wan,
    coalesce(x.failing_checks, 0) AS failing_checks,
    coalesce(x.failing_errors, 0) AS failing_errors,
    coalesce(x.failing_warnings, 0) AS failing_warnings,
    l.last_correction_id
FROM totals AS t
LEFT JOIN funds AS f ON f.document_id = t.document_id
LEFT JOIN project_sums AS p ON p.document_id = t.document_id
LEFT JOIN failures AS x ON x.document_id = t.document_id
LEFT JOIN latest_correction AS l ON l.document_id = t.document_id;

-- Derived data, never edited: report_summary_source materialised, one row per document_id.
CREATE TABLE IF NOT EXISTS report_summary AS SELECT * FROM report_summary_source LIMIT 0;

-- Summary rows of current reports. Superseded versions are left out by an anti-join on the
-- (few) non-current documents, so a question over every report never joins two tables of
-- millions of rows.
CREATE OR REPLACE VIEW current_summary AS
SELECT *
FROM report_summary
WHERE document_id NOT IN (SELECT document_id FROM documents WHERE NOT is_current);

-- Project funds per year and government level over current reports (fund_split_by_year, the
-- 全部部门 page): amount_wan the level's sum, reports how many reports state the level, total_wan
-- every level's funds of the year; the same sums as report_summary's fund columns, from the
-- tables themselves (so the view binds whatever report_summary's shape). The page would
-- otherwise aggregate one row per report (180,000 at 1M project rows) on every visit:
-- etl.load.refresh_summaries rewrites the table below from this view after every write (a new
-- version changes which reports count), and a visit reads a few rows per year.
CREATE OR REPLACE VIEW fund_split_years_source AS
WITH funds AS (
    SELECT d.year, f.document_id, f.level, f.amount_wan
    FROM fund_sources AS f JOIN documents AS d USING (document_id)
    WHERE d.is_current
),
totals AS (SELECT year, sum(amount_wan) AS total_wan FROM funds GROUP BY year)
SELECT
    f.year, l.level_order, l.level, sum(f.amount_wan) AS amount_wan,
    count(DISTINCT f.document_id) AS reports, t.total_wan
FROM funds AS f
JOIN (VALUES ('central', 1), ('provincial', 2), ('city', 3), ('district', 4), ('other', 5))
    AS l (level, level_order) ON l.level = f.level
JOIN totals AS t ON t.year = f.year
GROUP BY f.year, l.level_order, l.level, t.total_wan;

-- Derived data, never edited: fund_split_years_source materialised.
CREATE TABLE IF NOT EXISTS fund_split_years AS SELECT * FROM fund_split_years_source LIMIT 0;

-- The same rows with the department's canonical name, the report's origin and demo flag, for
-- questions by department or year. Joined on document_id alone: a second join key (year) stops
-- DuckDB from pushing the department's few document_ids into the summary scan (10 -> 50 ms).
CREATE OR REPLACE VIEW report_indicators AS
SELECT d.department, d.origin, d.synthetic, s.*
FROM report_summary AS s
JOIN current_documents AS d ON d.document_id = s.document_id;

DROP VIEW IF EXISTS check_failures;
DROP VIEW IF EXISTS report_fund_mix;
DROP VIEW IF EXISTS report_fund_levels;

-- Projects of current reports with their department and year, without the per-report window of
-- project_breakdown, so a filter on year or department reaches the scan.
CREATE OR REPLACE VIEW report_projects AS
SELECT d.document_id, d.department, d.year, p.ordinal, p.name, p.amount_wan, p.purpose
FROM projects AS p JOIN current_documents AS d USING (document_id);

-- The standard indicators of 财预〔2013〕53号 (部门整体支出绩效评价共性指标体系框架), one place for their
-- formulas: each indicator is Σ numerator_coef·x ÷ Σ denominator_coef·x over the figures x listed
-- here, read from the same report (year_offset 0) or the department's report of the year before
-- (-1). 预算调整率 = (调整后 − 年初) ÷ 年初 is an upper bound: adjustments exempt under the rules
-- (national policy, force majeure, tasks from above) are not itemised in the reports.
CREATE OR REPLACE VIEW indicator_terms AS
SELECT * FROM (VALUES
    ('execution_rate', 1, 'basic', 1, 'basic', 'actual', 0, 1, 0),
    ('execution_rate', 1, 'basic', 2, 'basic', 'adjusted', 0, 0, 1),
    ('execution_rate', 1, 'project', 1, 'project', 'actual', 0, 1, 0),
    ('execution_rate', 1, 'project', 2, 'project', 'adjusted', 0, 0, 1),
    ('execution_rate', 1, 'total', 1, 'basic', 'actual', 0, 1, 0),
    ('execution_rate', 1, 'total', 2, 'project', 'actual', 0, 1, 0),
    ('execution_rate', 1, 'total', 3, 'basic', 'adjusted', 0, 0, 1),
    ('execution_rate', 1, 'total', 4, 'project', 'adjusted', 0, 0, 1),
    ('adjustment_rate', 2, 'basic', 1, 'basic', 'adjusted', 0, 1, 0),
    ('adjustment_rate', 2, 'basic', 2, 'basic', 'initial', 0, -1, 1),
    ('adjustment_rate', 2, 'project', 1, 'project', 'adjusted', 0, 1, 0),
    ('adjustment_rate', 2, 'project', 2, 'project', 'initial', 0, -1, 1),
    ('adjustment_rate', 2, 'total', 1, 'basic', 'adjusted', 0, 1, 0),
    ('adjustment_rate', 2, 'total', 2, 'project', 'adjusted', 0, 1, 0),
    ('adjustment_rate', 2, 'total', 3, 'basic', 'initial', 0, -1, 1),
    ('adjustment_rate', 2, 'total', 4, 'project', 'initial', 0, -1, 1),
    ('three_public_control_rate', 3, 'three_public', 1, 'three_public', 'actual', 0, 1, 0),
    ('three_public_control_rate', 3, 'three_public', 2, 'three_public', 'budget', 0, 0, 1),
    ('staff_control_rate', 4, 'staffing', 1, 'staffing', 'actual', 0, 1, 0),
    ('staff_control_rate', 4, 'staffing', 2, 'staffing', 'authorized', 0, 0, 1),
    ('three_public_change_rate', 5, 'three_public', 1, 'three_public', 'actual', 0, 1, 0),
    ('three_public_change_rate', 5, 'three_public', 2, 'three_public', 'actual', -1, -1, 1),
    ('personnel_share', 6, 'basic', 1, 'basic', 'personnel', 0, 1, 0),
    ('personnel_share', 6, 'basic', 2, 'basic', 'actual', 0, 0, 1)
) AS t (
    indicator, indicator_order, scope, term, section, item, year_offset, numerator_coef,
    denominator_coef
);

-- Every input of every indicator of every current report: its value (NULL when the report, or
-- the previous year's report, does not state it) with the wording and sentence it was read from.
CREATE OR REPLACE VIEW indicator_inputs AS
SELECT
    d.document_id, d.department, d.year, t.indicator, t.indicator_order, t.scope, t.term,
    t.section, t.item, d.year + t.year_offset AS input_year, t.numerator_coef,
    t.denominator_coef, f.value, f.unit, f.wording, f.sentence, f.file_name
FROM current_documents AS d
CROSS JOIN indicator_terms AS t
LEFT JOIN figure_provenance AS f
    ON f.department = d.department AND f.year = d.year + t.year_offset
    AND f.section = t.section AND f.item = t.item;

-- One row per current report, indicator and scope. value is NULL when an input is missing
-- (missing_inputs > 0) or the denominator is 0, never 0 in their place. flagged: 预算调整率 above
-- 30 % either way (the limit of etl.checks.ADJUSTMENT_RATE_LIMIT) or 三公 actual above budget.
CREATE OR REPLACE VIEW standard_indicators AS
WITH sums AS (
    SELECT
        document_id, department, year, indicator, indicator_order, scope,
        count(*) - count(value) AS missing_inputs,
        CASE WHEN count(value) = count(*) THEN sum(numerator_coef * value) END AS numerator,
        CASE WHEN count(value) = count(*) THEN sum(denominator_coef * value) END AS denominator
    FROM indicator_inputs
    GROUP BY document_id, department, year, indicator, indicator_order, scope
)
SELECT
    *,
    CAST(numerator AS DOUBLE) / CAST(nullif(denominator, 0) AS DOUBLE) AS value,
    coalesce(
        CASE indicator
            WHEN 'adjustment_rate' THEN denominator <> 0 AND abs(numerator) > 0.30 * denominator
            WHEN 'three_public_control_rate' THEN numerator > denominator
        END,
        false
    ) AS flagged
FROM sums;

-- Projects per current report keyed by project_key, so a project's history can be followed
-- across years; a key listed twice in one report is summed, with every name as written.
CREATE OR REPLACE VIEW project_years AS
SELECT
    department, year, project_key(name) AS project_key, sum(amount_wan) AS amount_wan,
    string_agg(name, ' / ' ORDER BY ordinal) AS names, min(ordinal) AS first_ordinal
FROM report_projects
GROUP BY department, year, project_key(name);
