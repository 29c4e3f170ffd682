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
