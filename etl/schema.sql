-- The one place that owns the schema: tables the loader writes, views the pages read.
-- Amounts are DECIMAL(18, 6) in 万元: a figure stated in 元 stays exact to the fen.
-- Every statement is idempotent, so applying this file to an existing database is safe.

CREATE SEQUENCE IF NOT EXISTS document_id_seq START 1;

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
    title_sentence VARCHAR
);

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

CREATE OR REPLACE VIEW current_documents AS
SELECT * FROM documents WHERE is_current;

CREATE OR REPLACE VIEW staffing AS
SELECT d.department, d.year, f.document_id, f.item, CAST(f.value AS INTEGER) AS persons, f.sentence
FROM figures AS f JOIN current_documents AS d USING (document_id)
WHERE f.section = 'staffing';

-- Initial / adjusted / actual per section, plus their total when both sections are stated.
CREATE OR REPLACE VIEW budget_phases AS
WITH phases AS (
    SELECT
        d.document_id, d.department, d.year, s.section, s.section_order,
        max(f.value) FILTER (WHERE f.item = 'initial') AS initial_wan,
        max(f.value) FILTER (WHERE f.item = 'adjusted') AS adjusted_wan,
        max(f.value) FILTER (WHERE f.item = 'actual') AS actual_wan
    FROM current_documents AS d
    CROSS JOIN (VALUES ('basic', 1), ('project', 2)) AS s (section, section_order)
    LEFT JOIN figures AS f ON f.document_id = d.document_id AND f.section = s.section
    GROUP BY ALL
),
with_total AS (
    SELECT * FROM phases
    UNION ALL
    SELECT
        document_id, department, year, 'total', 3,
        CASE WHEN count(initial_wan) = 2 THEN sum(initial_wan) END,
        CASE WHEN count(adjusted_wan) = 2 THEN sum(adjusted_wan) END,
        CASE WHEN count(actual_wan) = 2 THEN sum(actual_wan) END
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

CREATE OR REPLACE VIEW fund_split AS
SELECT
    d.document_id, d.department, d.year, f.level,
    sum(f.amount_wan) AS amount_wan,
    CAST(sum(f.amount_wan) AS DOUBLE)
        / CAST(sum(sum(f.amount_wan)) OVER (PARTITION BY d.document_id) AS DOUBLE) AS share,
    min(f.ordinal) AS first_ordinal,
    string_agg(DISTINCT f.sentence, ' / ') AS sentence
FROM fund_sources AS f JOIN current_documents AS d USING (document_id)
GROUP BY d.document_id, d.department, d.year, f.level;

CREATE OR REPLACE VIEW project_breakdown AS
SELECT
    d.document_id, d.department, d.year, p.ordinal, p.name, p.amount_wan,
    CAST(p.amount_wan AS DOUBLE)
        / CAST(sum(p.amount_wan) OVER (PARTITION BY d.document_id) AS DOUBLE) AS share,
    p.purpose, p.sentence
FROM projects AS p JOIN current_documents AS d USING (document_id);

CREATE OR REPLACE VIEW figure_provenance AS
SELECT d.department, d.year, d.file_name, f.*
FROM figures AS f JOIN current_documents AS d USING (document_id);

CREATE OR REPLACE VIEW check_results AS
SELECT d.department, d.year, c.*
FROM checks AS c JOIN current_documents AS d USING (document_id);

-- One row per current report: every figure the cross-department and year-over-year questions need,
-- side by side, and the standard indicators of 财预〔2013〕53号 computed from them. A rate is NULL
-- when one of its inputs is not stated (never 0). Totals need both basic and project stated, as in
-- budget_phases.
CREATE OR REPLACE VIEW report_indicators AS
WITH wide AS (
    SELECT
        d.document_id, d.department, d.year,
        max(f.value) FILTER (WHERE f.section = 'basic' AND f.item = 'initial') AS basic_initial_wan,
        max(f.value) FILTER (WHERE f.section = 'basic' AND f.item = 'adjusted') AS basic_adjusted_wan,
        max(f.value) FILTER (WHERE f.section = 'basic' AND f.item = 'actual') AS basic_actual_wan,
        max(f.value) FILTER (WHERE f.section = 'basic' AND f.item = 'personnel')
            AS basic_personnel_wan,
        max(f.value) FILTER (WHERE f.section = 'basic' AND f.item = 'public') AS basic_public_wan,
        max(f.value) FILTER (WHERE f.section = 'project' AND f.item = 'initial')
            AS project_initial_wan,
        max(f.value) FILTER (WHERE f.section = 'project' AND f.item = 'adjusted')
            AS project_adjusted_wan,
        max(f.value) FILTER (WHERE f.section = 'project' AND f.item = 'actual')
            AS project_actual_wan,
        max(f.value) FILTER (WHERE f.section = 'three_public' AND f.item = 'budget')
            AS three_public_budget_wan,
        max(f.value) FILTER (WHERE f.section = 'three_public' AND f.item = 'actual')
            AS three_public_actual_wan,
        CAST(max(f.value) FILTER (WHERE f.section = 'staffing' AND f.item = 'authorized')
            AS INTEGER) AS staff_authorized,
        CAST(max(f.value) FILTER (WHERE f.section = 'staffing' AND f.item = 'actual') AS INTEGER)
            AS staff_actual
    FROM current_documents AS d
    LEFT JOIN figures AS f ON f.document_id = d.document_id
    GROUP BY d.document_id, d.department, d.year
),
totals AS (
    SELECT
        *,
        basic_initial_wan + project_initial_wan AS total_initial_wan,
        basic_adjusted_wan + project_adjusted_wan AS total_adjusted_wan,
        basic_actual_wan + project_actual_wan AS total_actual_wan
    FROM wide
)
SELECT
    *,
    CAST(total_adjusted_wan - total_initial_wan AS DOUBLE)
        / CAST(nullif(total_initial_wan, 0) AS DOUBLE) AS adjustment_rate,
    CAST(total_actual_wan AS DOUBLE) / CAST(nullif(total_adjusted_wan, 0) AS DOUBLE)
        AS execution_rate,
    CAST(three_public_actual_wan AS DOUBLE) / CAST(nullif(three_public_budget_wan, 0) AS DOUBLE)
        AS three_public_control_rate,
    CAST(staff_actual AS DOUBLE) / nullif(staff_authorized, 0) AS staff_control_rate,
    CAST(basic_personnel_wan AS DOUBLE) / CAST(nullif(basic_actual_wan, 0) AS DOUBLE)
        AS personnel_share
FROM totals;

-- Failed checks per current report: errors and warnings (a rule that fails with severity info,
-- e.g. a high 调整率 whose reason the report states, is not counted). Reports with none have no row.
CREATE OR REPLACE VIEW check_failures AS
SELECT
    document_id,
    count(*) AS failing_checks,
    count(*) FILTER (WHERE severity = 'error') AS failing_errors,
    count(*) FILTER (WHERE severity = 'warning') AS failing_warnings
FROM check_results
WHERE NOT passed AND severity <> 'info'
GROUP BY document_id;

-- Project funds per current report and government level (a level stated twice is summed).
CREATE OR REPLACE VIEW report_fund_levels AS
SELECT d.document_id, d.department, d.year, f.level, sum(f.amount_wan) AS amount_wan
FROM fund_sources AS f JOIN current_documents AS d USING (document_id)
GROUP BY d.document_id, d.department, d.year, f.level;

-- The same, one row per current report that states any fund source, a column per level.
CREATE OR REPLACE VIEW report_fund_mix AS
SELECT
    d.document_id, d.department, d.year,
    sum(f.amount_wan) FILTER (WHERE f.level = 'central') AS central_wan,
    sum(f.amount_wan) FILTER (WHERE f.level = 'provincial') AS provincial_wan,
    sum(f.amount_wan) FILTER (WHERE f.level = 'city') AS city_wan,
    sum(f.amount_wan) FILTER (WHERE f.level = 'district') AS district_wan,
    sum(f.amount_wan) FILTER (WHERE f.level = 'other') AS other_wan,
    sum(f.amount_wan) AS fund_total_wan
FROM fund_sources AS f JOIN current_documents AS d USING (document_id)
GROUP BY d.document_id, d.department, d.year;

-- Projects of current reports with their department and year, without the per-report window of
-- project_breakdown, so a filter on year or department reaches the scan.
CREATE OR REPLACE VIEW report_projects AS
SELECT d.document_id, d.department, d.year, p.ordinal, p.name, p.amount_wan, p.purpose
FROM projects AS p JOIN current_documents AS d USING (document_id);
