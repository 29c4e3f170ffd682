-- The tables the loader writes, and the macros every view uses (applied first; then
-- migrations.sql brings an older file's tables to this shape, then views.sql). Amounts are
-- DECIMAL(18, 6) in 万元: a figure stated in 元 stays exact to the fen. Every statement is
-- idempotent, so applying the schema to an existing database is safe.

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

-- numerator ÷ denominator as a fraction: NULL (never 0) when either is missing or the denominator
-- is 0. Every rate and share of every view divides through it.
CREATE OR REPLACE MACRO ratio(numerator, denominator) AS
    CAST(numerator AS DOUBLE) / CAST(nullif(denominator, 0) AS DOUBLE);

-- An indicator from its formula's terms (indicator_formulas): Σ numerator_coef·x ÷
-- Σ denominator_coef·x, only when every input x is stated (`stated` of `terms`).
CREATE OR REPLACE MACRO indicator_value(numerator, denominator, stated, terms) AS
    CASE WHEN stated = terms THEN ratio(numerator, denominator) END;

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
    origin VARCHAR NOT NULL DEFAULT 'report',
    -- What the document is (etl.model.DOCUMENT_KINDS: budget, final_accounts, …), NULL when its
    -- title names no kind; kind_sentence is the title line that names it.
    kind VARCHAR,
    kind_sentence VARCHAR,
    -- Where the department and the year came from: 'title', 'field' (a form's 单位名称 …),
    -- 'text' (a guess from the first lines, to be confirmed), 'user' (typed in at load),
    -- 'manual' (the hand-entry template).
    department_from VARCHAR NOT NULL DEFAULT '',
    year_from VARCHAR NOT NULL DEFAULT '',
    -- The document's identity within its department-year (etl.records.document_part): its kind
    -- ('manual', 'unknown' or a DocumentKind), and for a project form ':' and its projects. Each
    -- part has its own versions; is_current marks the current one of each part.
    part VARCHAR NOT NULL DEFAULT '',
    -- The department-year's record this document belongs to: the document_id of its lead (the
    -- current document first in precedence ('record', 'lead')), kept by the write step, and how
    -- many current documents the record gathers (1: the record is this document, and the views
    -- read its rows directly instead of resolving between documents).
    record_id BIGINT,
    record_size INTEGER NOT NULL DEFAULT 1,
    -- Who loaded it (etl.store.access: a signed-in user's id, or the operating-system user) and
    -- who last made it current again by a restore, and when; NULL for loads from before sign-in.
    loaded_by VARCHAR,
    restored_by VARCHAR,
    restored_at TIMESTAMP
);

-- Scalar figures with provenance: basic / project phases, personnel / public, 三公, staffing.
-- unit is 万元 for amounts and 人 for staffing head counts. A figure read from a table cell
-- also keeps the labels of its row and column (row_label, column_label; '' for prose); the same
-- two columns end fund_sources, projects, project_figures and project_fund_sources.
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
    row_label VARCHAR NOT NULL DEFAULT '',
    column_label VARCHAR NOT NULL DEFAULT '',
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
    row_label VARCHAR NOT NULL DEFAULT '',
    column_label VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, ordinal)
);

-- A project's amount_wan is the figure its list adds up to (on a 项目支出绩效自评表 its 全年预算数,
-- in other lists its actual spending where stated); its own phases and 自评得分, where the
-- document states them, are in project_figures, its split by government level in
-- project_fund_sources. ordinal numbers the projects in report order.
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
    row_label VARCHAR NOT NULL DEFAULT '',
    column_label VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, ordinal)
);

-- A project's own figures (item: initial / adjusted / actual in 万元, score in points), each with
-- where it was read; ordinal is the project's in projects.
CREATE TABLE IF NOT EXISTS project_figures (
    document_id BIGINT NOT NULL,
    ordinal INTEGER NOT NULL,
    item VARCHAR NOT NULL,
    value DECIMAL(18, 6) NOT NULL,
    sentence VARCHAR NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    value_start INTEGER NOT NULL,
    value_end INTEGER NOT NULL,
    row_label VARCHAR NOT NULL DEFAULT '',
    column_label VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, ordinal, item)
);

-- A project's funds by government level (its form's 其中：中央 / 省级 / 市级 / 区县级 rows).
CREATE TABLE IF NOT EXISTS project_fund_sources (
    document_id BIGINT NOT NULL,
    ordinal INTEGER NOT NULL,
    position INTEGER NOT NULL,
    level VARCHAR NOT NULL,
    amount_wan DECIMAL(18, 6) NOT NULL,
    wording VARCHAR NOT NULL,
    sentence VARCHAR NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    value_start INTEGER NOT NULL,
    value_end INTEGER NOT NULL,
    row_label VARCHAR NOT NULL DEFAULT '',
    column_label VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, ordinal, position)
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
    -- A cross-document finding's statements (JSON: document, file, kind, value, sentence, cell).
    evidence VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, ordinal)
);

-- The sentence a report gives as the reason for an adjustment (差额的原因…), per section: the rule
-- adjustment_rate_high reads it when a department-year's checks run again.
CREATE TABLE IF NOT EXISTS adjustment_reasons (
    document_id BIGINT NOT NULL,
    section VARCHAR NOT NULL,
    sentence VARCHAR NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    value_start INTEGER NOT NULL,
    value_end INTEGER NOT NULL,
    row_label VARCHAR NOT NULL DEFAULT '',
    column_label VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, section)
);

-- Which kind of document states each figure of a department-year's record, best first
-- (rank 1): etl/records.py PRECEDENCE, rewritten whenever the schema is applied.
CREATE TABLE IF NOT EXISTS precedence (
    section VARCHAR NOT NULL,
    item VARCHAR NOT NULL,
    source_kind VARCHAR NOT NULL,
    rank INTEGER NOT NULL,
    PRIMARY KEY (section, item, source_kind)
);

-- The checks of a department-year's record, run again on what it resolves to (etl.store.records)
-- when it gathers several documents or a correction: the same columns as checks, document_id the
-- record. Records listed in rechecked_records read their checks here, the others their one
-- document's own in checks.
CREATE TABLE IF NOT EXISTS record_checks (
    document_id BIGINT NOT NULL,
    ordinal INTEGER NOT NULL,
    rule VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    passed BOOLEAN NOT NULL,
    message VARCHAR NOT NULL,
    expected_wan DECIMAL(18, 6),
    actual_wan DECIMAL(18, 6),
    difference_wan DECIMAL(18, 6),
    fields VARCHAR NOT NULL,
    evidence VARCHAR NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS rechecked_records (
    record_id BIGINT NOT NULL
);

-- The records that gather several documents, whose resolved rows are in merged_figures,
-- merged_fund_sources and merged_projects (views.sql); kept by etl.store.records.
CREATE TABLE IF NOT EXISTS merged_records (
    record_id BIGINT NOT NULL
);

-- Records (department-years, by record_id) a write changed and whose checks and read models the
-- end of the write brings up to date (etl.store.records); empty between writes.
CREATE TABLE IF NOT EXISTS pending_records (
    record_id BIGINT NOT NULL
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
    corrected_at TIMESTAMP NOT NULL,
    corrected_by VARCHAR  -- who (etl.store.access); NULL for corrections from before sign-in
);

-- Who may change what (etl.store.access): one row per user, role (view, submit, review, admin)
-- and department ('' for every department). Written only by journaled role changes (etl roles,
-- the 管理 page), so a rebuild restores them; user_id is the signed-in user's e-mail (lower case)
-- or, without one, the provider's subject.
CREATE TABLE IF NOT EXISTS user_roles (
    user_id VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    department VARCHAR NOT NULL DEFAULT '',
    granted_by VARCHAR NOT NULL DEFAULT '',
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, role, department)
);


-- The review of a department-year (数据核对 → 审核), one row per change, never overwritten: the
-- latest row is its status (pending 待审核, checked 已核对, questioned 有疑问, returned 已退回;
-- etl.labels "review_status"); a department-year with no row is pending. Kept by the canonical
-- department name and year, not by a document, so a new version of a document keeps it.
-- Journaled (etl.store.review), so a rebuild replays it.
CREATE SEQUENCE IF NOT EXISTS review_id_seq START 1;
CREATE TABLE IF NOT EXISTS reviews (
    review_id BIGINT PRIMARY KEY DEFAULT nextval('review_id_seq'),
    department VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('pending', 'checked', 'questioned', 'returned')),
    reviewer VARCHAR NOT NULL,
    notes VARCHAR NOT NULL,
    reviewed_at TIMESTAMP NOT NULL
);

-- What a reviewer made of one finding (confirmed 确认问题, explained 已说明, false_positive 误报),
-- one row per change; the latest row per finding applies. A finding is named by its stable key
-- (views.sql keyed_findings: rule, figures, and the kinds or projects it compares, never a
-- document_id), so the disposition stays with it when a new version of a document arrives; rule
-- and message are the finding as it read when marked (shown once it no longer fires: 已解决).
CREATE SEQUENCE IF NOT EXISTS disposition_id_seq START 1;
CREATE TABLE IF NOT EXISTS finding_dispositions (
    disposition_id BIGINT PRIMARY KEY DEFAULT nextval('disposition_id_seq'),
    department VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    finding_key VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    disposition VARCHAR NOT NULL CHECK (disposition IN ('confirmed', 'explained', 'false_positive')),
    note VARCHAR NOT NULL,
    reviewer VARCHAR NOT NULL,
    disposed_at TIMESTAMP NOT NULL
);

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

-- The limits of etl/config.py (SETTINGS), rewritten whenever the schema is applied: the views
-- read them here, Python reads them there, so each is declared once.
CREATE TABLE IF NOT EXISTS settings (
    name VARCHAR PRIMARY KEY,
    value DECIMAL(18, 6) NOT NULL
);

-- The government levels funds come from, in the order every table and chart lists them: written
-- from etl/labels.py (LEVELS) whenever the schema is applied.
CREATE TABLE IF NOT EXISTS funding_levels (
    level VARCHAR PRIMARY KEY,
    level_order INTEGER NOT NULL
);

-- The standard indicators of 财预〔2013〕53号 (部门整体支出绩效评价共性指标体系框架) as data, one row
-- per term, rewritten from etl/indicators.py (FORMULAS) whenever the schema is applied: each
-- indicator is Σ numerator_coef·x ÷ Σ denominator_coef·x over the figures x listed, read from the
-- same report (year_offset 0) or the department's report of the year before (-1). The checks
-- (etl/checks.py) evaluate the same rows in Python.
CREATE TABLE IF NOT EXISTS indicator_formulas (
    indicator VARCHAR NOT NULL,
    indicator_order INTEGER NOT NULL,
    scope VARCHAR NOT NULL,
    term INTEGER NOT NULL,
    section VARCHAR NOT NULL,
    item VARCHAR NOT NULL,
    year_offset INTEGER NOT NULL,
    numerator_coef INTEGER NOT NULL,
    denominator_coef INTEGER NOT NULL,
    PRIMARY KEY (indicator, scope, term)
);
