-- SYNTHETIC Budget Lens data for the benchmarks, generated inside DuckDB from range() and hash():
-- no Python loop touches a row. The caller applies etl/schema.sql first and sets the variables
-- counties, departments, years, first_year. Every department is named 示例-县NNNN-部门NN so the
-- data can never pass for a real report.
--
-- Layout: document_id runs county → department → year, and every table is inserted in
-- document_id order, so rows are stored ordered by department and year (one department's rows
-- sit in one or two row groups; a filter on it skips the rest by zone maps).
--
-- Values are deterministic (hash of document_id and a salt) and shaped like the seed report:
-- basic and project phases, personnel + public, 三公, staffing, 1-10 projects whose amounts add up
-- to 项目支出, 1-3 fund-source levels adding up to it too, and a few deliberate mistakes
-- (personnel + public off by 0.09 as in the seed, fund sources off by 1.00) for the checks.

CREATE OR REPLACE TEMP MACRO synth_u(k, salt) AS (hash(k, salt) % 1000000) / 1000000.0;
CREATE OR REPLACE TEMP MACRO synth_wan(x) AS CAST(round(x, 2) AS DECIMAL(18, 6));

CREATE OR REPLACE TEMP TABLE synth_docs AS
SELECT
    (c * getvariable('departments') + d) * getvariable('years') + y + 1 AS document_id,
    '示例-县' || lpad(CAST(c + 1 AS VARCHAR), 4, '0')
        || '-部门' || lpad(CAST(d + 1 AS VARCHAR), 2, '0') AS department,
    CAST(getvariable('first_year') + y AS INTEGER) AS year
FROM range(getvariable('counties')) AS tc (c),
    range(getvariable('departments')) AS td (d),
    range(getvariable('years')) AS ty (y)
ORDER BY document_id;

CREATE OR REPLACE TEMP TABLE synth_projects AS
WITH numbered AS (
    SELECT document_id, unnest(range(CAST(1 + hash(document_id, 'n') % 10 AS BIGINT))) AS i,
        CAST(hash(document_id, 'first') % 16 AS BIGINT) AS first_name
    FROM synth_docs
)
SELECT
    document_id,
    CAST(i + 1 AS INTEGER) AS ordinal,
    ['业务工作经费', '党建经费', '执法工作经费', '治理平台维护费', '农村公路养护、建设费',
     '交通运输工作经费', '信息化建设经费', '安全生产专项经费', '培训经费', '宣传经费',
     '办公设备购置费', '专项调研经费', '应急保障经费', '环境整治经费', '档案管理经费',
     '监督检查经费'][1 + (first_name + i) % 16] AS name,
    synth_wan(1 + pow(synth_u(document_id * 16 + i, 'amount'), 2) * 300) AS amount_wan
FROM numbered
ORDER BY document_id, ordinal;

CREATE OR REPLACE TEMP TABLE synth_wide AS
WITH project_sums AS (
    SELECT document_id, sum(amount_wan) AS project_adjusted
    FROM synth_projects GROUP BY document_id
),
base AS (
    SELECT
        d.document_id, d.year, p.project_adjusted,
        synth_wan(100 + 900 * synth_u(d.document_id, 'basic_initial')) AS basic_initial
    FROM synth_docs AS d JOIN project_sums AS p USING (document_id)
),
phases AS (
    SELECT
        *,
        synth_wan(basic_initial * (0.9 + 0.8 * synth_u(document_id, 'basic_adjusted')))
            AS basic_adjusted,
        synth_wan(project_adjusted * (0.3 + synth_u(document_id, 'project_initial')))
            AS project_initial,
        CASE WHEN synth_u(document_id, 'project_spent') < 0.8 THEN project_adjusted
            ELSE synth_wan(project_adjusted * (0.85 + 0.15 * synth_u(document_id, 'project_actual')))
        END AS project_actual,
        synth_wan(2 + 18 * synth_u(document_id, 'three_public_budget')) AS three_public_budget,
        5 + hash(document_id, 'staff') % 60 AS staff_authorized
    FROM base
),
actuals AS (
    SELECT
        *,
        CASE WHEN synth_u(document_id, 'basic_spent') < 0.8 THEN basic_adjusted
            ELSE synth_wan(basic_adjusted * (0.9 + 0.1 * synth_u(document_id, 'basic_actual')))
        END AS basic_actual,
        synth_wan(three_public_budget * (0.4 + 0.75 * synth_u(document_id, 'three_public_actual')))
            AS three_public_actual,
        round(staff_authorized * (0.8 + 1.4 * synth_u(document_id, 'staff_actual')))
            AS staff_actual
    FROM phases
)
SELECT
    *,
    synth_wan(basic_actual * (0.75 + 0.2 * synth_u(document_id, 'personnel'))) AS personnel,
    CASE WHEN synth_u(document_id, 'personnel_public_error') < 0.05 THEN 0.09 ELSE 0 END
        AS personnel_public_error,
    CASE WHEN synth_u(document_id, 'fund_error') < 0.05 THEN 1.00 ELSE 0 END AS fund_error
FROM actuals
ORDER BY document_id;

INSERT INTO documents BY NAME
SELECT
    document_id,
    sha256('synthetic/' || department || '/' || year) AS sha256,
    'synthetic-' || department || '-' || year || '.txt' AS file_name,
    'synthetic/' || department || '-' || year || '.txt' AS path,
    department, year, true AS is_current,
    TIMESTAMP '2025-01-01 00:00:00' AS loaded_at,
    5000 + CAST(hash(document_id, 'chars') % 4000 AS INTEGER) AS text_chars,
    year || '年度' || department || '整体支出绩效自评报告' AS title_sentence,
    'self_evaluation_report' AS kind,
    'self_evaluation_report' AS part,
    document_id AS record_id
FROM synth_docs
ORDER BY document_id;

INSERT INTO figures BY NAME
SELECT
    document_id, f.section AS section, f.item AS item, f.value AS value, f.unit AS unit,
    f.wording AS wording, 1.0 AS confidence, '' AS note,
    year || '年' || f.wording || '为' || CAST(CAST(f.value AS DECIMAL(18, 2)) AS VARCHAR)
        || f.unit || '。' AS sentence,
    f.k * 40 AS sentence_start, f.k * 40 + 30 AS sentence_end, f.k * 40 + 12 AS value_start,
    f.k * 40 + 18 AS value_end
FROM (
    SELECT
        document_id, year,
        unnest([
            {'k': 1, 'section': 'basic', 'item': 'initial', 'value': basic_initial, 'unit': '万元', 'wording': '年初预算数'},
            {'k': 2, 'section': 'basic', 'item': 'adjusted', 'value': basic_adjusted, 'unit': '万元', 'wording': '预算调整数'},
            {'k': 3, 'section': 'basic', 'item': 'actual', 'value': basic_actual, 'unit': '万元', 'wording': '实际支出数'},
            {'k': 4, 'section': 'basic', 'item': 'personnel', 'value': personnel, 'unit': '万元', 'wording': '人员经费'},
            {'k': 5, 'section': 'basic', 'item': 'public', 'value': synth_wan(basic_actual - personnel - personnel_public_error), 'unit': '万元', 'wording': '公用经费'},
            {'k': 6, 'section': 'project', 'item': 'initial', 'value': project_initial, 'unit': '万元', 'wording': '年初预算数'},
            {'k': 7, 'section': 'project', 'item': 'adjusted', 'value': project_adjusted, 'unit': '万元', 'wording': '预算调整数'},
            {'k': 8, 'section': 'project', 'item': 'actual', 'value': project_actual, 'unit': '万元', 'wording': '实际支出数'},
            {'k': 9, 'section': 'three_public', 'item': 'budget', 'value': three_public_budget, 'unit': '万元', 'wording': '三公经费年初预算'},
            {'k': 10, 'section': 'three_public', 'item': 'actual', 'value': three_public_actual, 'unit': '万元', 'wording': '实际支出'},
            {'k': 11, 'section': 'staffing', 'item': 'authorized', 'value': CAST(staff_authorized AS DECIMAL(18, 6)), 'unit': '人', 'wording': '编制人数'},
            {'k': 12, 'section': 'staffing', 'item': 'actual', 'value': CAST(staff_actual AS DECIMAL(18, 6)), 'unit': '人', 'wording': '实有在职人员'}
        ]) AS f
    FROM synth_wide
)
ORDER BY document_id, f.k;

INSERT INTO fund_sources BY NAME
SELECT
    document_id, CAST(f.ordinal AS INTEGER) AS ordinal, f.level AS level,
    f.amount_wan AS amount_wan, f.wording AS wording,
    '其中' || f.wording || CAST(CAST(f.amount_wan AS DECIMAL(18, 2)) AS VARCHAR) || '万元。'
        AS sentence,
    f.ordinal * 30 AS sentence_start, f.ordinal * 30 + 20 AS sentence_end,
    f.ordinal * 30 + 6 AS value_start, f.ordinal * 30 + 12 AS value_end
FROM (
    SELECT
        document_id,
        unnest(CASE hash(document_id, 'levels') % 3
            WHEN 0 THEN [{'ordinal': 1, 'level': 'district', 'amount_wan': synth_wan(project_adjusted + fund_error), 'wording': '区级资金'}]
            WHEN 1 THEN [
                {'ordinal': 1, 'level': 'city', 'amount_wan': city, 'wording': '市级财政资金'},
                {'ordinal': 2, 'level': 'district', 'amount_wan': synth_wan(project_adjusted - city + fund_error), 'wording': '区级资金'}]
            ELSE [
                {'ordinal': 1, 'level': 'provincial', 'amount_wan': provincial, 'wording': '省级资金'},
                {'ordinal': 2, 'level': 'city', 'amount_wan': city, 'wording': '市级财政资金'},
                {'ordinal': 3, 'level': 'district', 'amount_wan': synth_wan(project_adjusted - provincial - city + fund_error), 'wording': '区级资金'}]
        END) AS f
    FROM (
        SELECT
            *,
            synth_wan(project_adjusted * 0.3 * synth_u(document_id, 'city')) AS city,
            synth_wan(project_adjusted * 0.3 * synth_u(document_id, 'provincial')) AS provincial
        FROM synth_wide
    )
)
ORDER BY document_id, f.ordinal;

INSERT INTO projects BY NAME
SELECT
    document_id, ordinal, name, amount_wan,
    '主要用于' || name || '相关工作（示例数据）' AS purpose,
    '其中：' || name || CAST(CAST(amount_wan AS DECIMAL(18, 2)) AS VARCHAR) || '万元，主要用于'
        || name || '相关工作（示例数据）；' AS sentence,
    ordinal * 60 AS sentence_start, ordinal * 60 + 50 AS sentence_end,
    ordinal * 60 + 8 AS value_start, ordinal * 60 + 14 AS value_end
FROM synth_projects
ORDER BY document_id, ordinal;

INSERT INTO checks BY NAME
SELECT
    document_id, CAST(c.ordinal AS INTEGER) AS ordinal, c.rule AS rule,
    CASE WHEN c.passed THEN 'info' ELSE 'warning' END AS severity, c.passed AS passed,
    c.message AS message, c.expected AS expected_wan, c.actual AS actual_wan,
    c.actual - c.expected AS difference_wan, c.fields AS fields
FROM (
    SELECT
        w.document_id,
        unnest([
            {'ordinal': 1, 'rule': 'personnel_public_sum', 'passed': personnel_public_error = 0, 'message': '人员经费 + 公用经费 与基本支出核对', 'expected': basic_actual, 'actual': synth_wan(basic_actual - personnel_public_error), 'fields': 'basic.personnel,basic.public,basic.actual'},
            {'ordinal': 2, 'rule': 'fund_sources_sum', 'passed': fund_error = 0, 'message': '各级资金合计 与项目支出核对', 'expected': project_adjusted, 'actual': synth_wan(project_adjusted + fund_error), 'fields': 'fund_sources,project.adjusted'},
            {'ordinal': 3, 'rule': 'projects_sum', 'passed': true, 'message': '项目合计 与项目支出核对', 'expected': project_adjusted, 'actual': project_adjusted, 'fields': 'projects,project.adjusted'},
            {'ordinal': 4, 'rule': 'three_public_over_budget', 'passed': three_public_actual <= three_public_budget, 'message': '“三公”经费实际支出 与预算核对', 'expected': three_public_budget, 'actual': three_public_actual, 'fields': 'three_public.budget,three_public.actual'},
            {'ordinal': 5, 'rule': 'actual_over_adjusted', 'passed': basic_actual <= basic_adjusted, 'message': '基本支出实际支出 不超过调整后预算', 'expected': basic_adjusted, 'actual': basic_actual, 'fields': 'basic.adjusted,basic.actual'},
            {'ordinal': 6, 'rule': 'actual_over_adjusted', 'passed': project_actual <= project_adjusted, 'message': '项目支出实际支出 不超过调整后预算', 'expected': project_adjusted, 'actual': project_actual, 'fields': 'project.adjusted,project.actual'},
            {'ordinal': 7, 'rule': 'adjustment_rate_high', 'passed': basic_adjusted <= basic_initial * 1.3, 'message': '基本支出预算调整率 不超过 30%', 'expected': basic_initial, 'actual': basic_adjusted, 'fields': 'basic.initial,basic.adjusted'},
            {'ordinal': 8, 'rule': 'adjustment_rate_high', 'passed': project_adjusted <= project_initial * 1.3, 'message': '项目支出预算调整率 不超过 30%', 'expected': project_initial, 'actual': project_adjusted, 'fields': 'project.initial,project.adjusted'}
        ]) AS c
    FROM synth_wide AS w
)
ORDER BY document_id, c.ordinal;

DROP TABLE synth_wide;
DROP TABLE synth_projects;
DROP TABLE synth_docs;
