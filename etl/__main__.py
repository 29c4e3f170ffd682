"""python -m etl: extract one report, or load reports into the Budget Lens database."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from etl import config, labels

if TYPE_CHECKING:
    from etl.load import Given, LoadResult
    from etl.model import Report

STATUS_LABELS = labels.LABELS["status"]  # what each file's line says it did


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    return int(args.run(args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m etl",
        description="Budget Lens ETL: read 部门整体支出绩效自评报告 files, check them, load DuckDB.",
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    extract = sub.add_parser(
        "extract",
        help="extract one report and print its figures and checks",
        description="Extract one report. Exit 1 if the file cannot be read.",
    )
    extract.add_argument(
        "file", type=Path, help="report file: .txt (UTF-8 or GBK), .docx or .pdf with a text layer"
    )
    extract.add_argument(
        "--json", action="store_true", help="print the extraction contract as one JSON object"
    )
    extract.set_defaults(run=_extract)

    load = sub.add_parser(
        "load",
        help="load reports into the database",
        description=(
            "Load report files or folders into DuckDB: idempotent by content hash, one "
            "transaction per report, swapped in atomically. Exit 0 when every file loaded or "
            "was already loaded, 1 when any failed, 2 when another load is running, 3 when the "
            "database was damaged (it is set aside, never deleted)."
        ),
    )
    load.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[config.REPORTS_DIR],
        help=f"files or folders (default: {config.REPORTS_DIR.relative_to(config.ROOT)})",
    )
    load.add_argument(
        "--on-conflict",
        choices=["keep", "replace"],
        default="keep",
        help=(
            "when a department-year already has a different report: keep the current one and "
            "store the new one as history (default), or make the new one current"
        ),
    )
    load.set_defaults(run=_load)

    rebuild = sub.add_parser(
        "rebuild",
        help="rebuild the database from the archived reports",
        description=(
            "Build a new database from the reports archived by content hash beside it "
            "(<db name>.archive/), replaying the load journal, and swap it in."
        ),
    )
    rebuild.set_defaults(run=_rebuild)

    manual = sub.add_parser(
        "manual",
        help="load figures typed into the hand-entry template (手工录入, .csv or .xlsx)",
        description=(
            "Load a filled-in hand-entry template (python -m etl template OUT writes a blank "
            "one): one row per figure with 部门 department, 年度 year, 类别 section, 指标 item, "
            "数值 value (万元; 人 for staffing), optional 单位 unit, 用途 purpose, 说明 note. "
            "Every row is validated first; when any row has a problem, each is printed as "
            "'第 N 行 · 列：问题' and nothing is loaded (exit 1). Each department-year becomes a "
            "document marked manual, versioned like a report."
        ),
    )
    manual.add_argument("file", type=Path, help="the filled-in template (.csv or .xlsx)")
    manual.add_argument(
        "--on-conflict",
        choices=["keep", "replace"],
        default="keep",
        help="when the department-year already has a version: keep it (default) or replace it",
    )
    manual.set_defaults(run=_manual)

    template = sub.add_parser(
        "template",
        help="write the blank hand-entry template",
        description="Write the blank hand-entry template: Excel when OUT ends in .xlsx, else CSV.",
    )
    template.add_argument("out", type=Path, help="where to write it (.xlsx or .csv)")
    template.set_defaults(run=_template)

    evaluate = sub.add_parser(
        "evaluate",
        help="score extraction against expected JSON (per field, kind, layout and format)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Extract every document (.txt .docx .pdf) under each DIR that has expected JSON and\n"
            "print how many of the figures it states were read right, wrong or missed, and how\n"
            "many the extractor invented, per field, per document kind, per layout and format.\n\n"
            "Expected JSON has the contract's keys (department, year, kind, basic, project,\n"
            "three_public, fund_sources, projects, staffing; layout; optionally checks) and is\n"
            "looked up as GOLDEN/<stem>.json (with --golden), then <stem>.json beside the\n"
            "document, then ../expected/<stem>.json, then DIR/golden/<stem>.json. Documents\n"
            "without one are skipped.\n\n"
            "right    = a figure the document states, read with the same value\n"
            "wrong    = read with a different value\n"
            "missed   = stated, but the extractor gave null\n"
            "invented = the document does not state it (null), the extractor gave a value\n"
            "accuracy = right / stated. Fund sources score per level; projects per expected\n"
            "project by name (amount, phases, score, levels), an unexpected project is invented.\n\n"
            "Example: python -m etl evaluate tests/corpus/dev tests/corpus/blind"
        ),
    )
    evaluate.add_argument("dirs", type=Path, nargs="+", metavar="DIR", help="folders of documents")
    evaluate.add_argument(
        "--golden", type=Path, default=None, help="folder of expected JSON (<stem>.json)"
    )
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    evaluate.add_argument(
        "--limit", type=int, default=50, help="mismatches to list (default 50; 0: none)"
    )
    evaluate.add_argument(
        "--fail-under",
        type=float,
        default=None,
        metavar="PCT",
        help="exit 1 when overall accuracy is below PCT percent",
    )
    evaluate.set_defaults(run=_evaluate)

    show = sub.add_parser(
        "show",
        help="print one department-year: every figure, the document it came from, the findings",
        description=(
            "Print the merged department-year DEPARTMENT YEAR from the database: every figure "
            "with its value, the document it was taken from (file, kind, sentence or table cell) "
            "and every other document's value; the projects with their phases; every check "
            "finding. --json prints the stable JSON contract (etl/show.py). Exit 1 if the "
            "department-year is not loaded."
        ),
    )
    show.add_argument("department", help="department name (any of its aliases)")
    show.add_argument("year", type=int, help="fiscal year, e.g. 2020")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(run=_show)

    demo = sub.add_parser(
        "demo",
        help="generate a synthetic dataset (示例数据) and load it into its own database",
        description=(
            "Write synthetic document texts for made-up departments (示例市示例区XX局) over several "
            "years, in the documents' own wording: for each department-year its 部门预算, 部门决算, "
            "部门整体支出绩效自评报告 and a 项目支出绩效自评表 per major project, with some deliberate "
            "arithmetic errors and disagreements between documents for the checks to find (a "
            "few department-years lack their 决算 or 自评), into --out, and load them into a fresh "
            "demo database, one record per department-year (default "
            "data/demo.duckdb, never $BUDGET_LENS_DB). Every text is marked as demo data and the "
            "app then shows a 示例数据 banner. The same --seed gives the same texts. Refuses to "
            "replace a database that holds anything but demo data. To browse it: "
            "BUDGET_LENS_DB=data/demo.duckdb scripts/start"
        ),
    )
    demo.add_argument(
        "--db", type=Path, default=config.DEMO_DB, help="demo database (default: data/demo.duckdb)"
    )
    demo.add_argument(
        "--out",
        type=Path,
        default=config.DEMO_DIR / "reports",
        help="folder for the generated texts (default: data/demo/reports; its alias file beside)",
    )
    demo.add_argument("--departments", type=int, default=6, help="how many (default 6, max 24)")
    demo.add_argument("--years", default="2021-2023", help="A-B (default 2021-2023)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    demo.set_defaults(run=_demo)

    brief = sub.add_parser(
        "brief",
        help="write a brief to print: one department-year, or a year across departments",
        description=(
            "Write the brief of --department in --year, or without --department of every "
            "department in --year: totals, the three-phase chart, the largest adjustments, the "
            "lowest execution, what is over its limit, the change on the previous year. OUT "
            "ending in .pdf gives an A4 PDF (charts drawn by the system's Chromium, "
            "$BROWSER_PATH, with a CJK font embedded), .xlsx the same content as a workbook. "
            "Exit 1 when there is no such report, 2 when a PDF cannot be made here (no browser "
            "or no CJK font: the message says which)."
        ),
    )
    brief.add_argument("--department", default=None, help="department (default: every one)")
    brief.add_argument("--year", type=int, required=True, help="fiscal year, e.g. 2020")
    brief.add_argument("--out", type=Path, required=True, help="OUT.pdf or OUT.xlsx")
    brief.set_defaults(run=_brief)

    roles = sub.add_parser(
        "roles",
        help="list, grant or revoke who may change what (查看 填报 审核 管理)",
        description=(
            "Roles of signed-in users (etl/store/access.py): view 查看, submit 填报 (loads, "
            "uploads, hand entry; for --department, else every department), review 审核 "
            "(corrections, restores), admin 管理 (aliases, roles, rebuilds; never for one "
            "department). USER is the e-mail the identity provider gives (or its subject). "
            "Changes are journaled with the operating-system user who made them and survive "
            "`rebuild`. The command line itself acts as the operating-system user, with every "
            "role: whoever may write the database file may do anything to it anyway."
        ),
    )
    roles.add_argument("action", choices=["list", "grant", "revoke"])
    roles.add_argument("user", nargs="?", help="user id (e-mail) for grant and revoke")
    roles.add_argument("role", nargs="?", help="view|submit|review|admin or 查看|填报|审核|管理")
    roles.add_argument("--department", default=None, help="only this department (填报, 审核)")
    roles.set_defaults(run=_roles)
    questions = sub.add_parser(
        "questions",
        help="write the 问题清单 of a department-year (the findings marked 确认问题)",
        description=(
            "Write the 问题清单 of --department in --year: each finding a reviewer marked "
            "确认问题 on 数据核对, the reviewer's note, and every figure it cites with its value, "
            "document and sentence or table cell. OUT ending in .docx gives a Word document, "
            ".xlsx a workbook. Exit 1 when there is no such department-year."
        ),
    )
    questions.add_argument("--department", required=True, help="department")
    questions.add_argument("--year", type=int, required=True, help="fiscal year, e.g. 2020")
    questions.add_argument("--out", type=Path, required=True, help="OUT.docx or OUT.xlsx")
    questions.set_defaults(run=_questions)

    for command in (load, rebuild):
        command.add_argument(
            "--aliases",
            type=Path,
            default=None,
            help=(
                "department alias CSV (alias,department), remembered for this database "
                "(default: the file it was last given, else data/department_aliases.csv)"
            ),
        )

    for command in (extract, load):
        command.add_argument(
            "--department",
            default=None,
            help=(
                "the department the document is for, when its title, fields and first lines do "
                "not name it (or name it wrongly): stands for what every file given says"
            ),
        )
        command.add_argument(
            "--year",
            default=None,
            help="the fiscal year (e.g. 2021) the document is for, likewise",
        )

    for command in (extract, load, rebuild, manual, show, brief, roles, questions):
        command.add_argument(
            "--db",
            type=Path,
            default=None,
            help=f"DuckDB file (default: ${config.DB_ENV} or data/budget.duckdb)",
        )
    return parser


def _extract(args: argparse.Namespace) -> int:
    from etl.contract import report_json
    from etl.load import analyse_text
    from etl.readers import ReadError, read_text

    given = _given(args)
    if given is None:
        return 2
    try:
        report = analyse_text(read_text(args.file), given)
    except ReadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    contract = report_json(report)
    if args.json:
        json.dump(contract, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{contract['department'] or '（未识别部门）'}  {contract['year'] or '（未识别年度）'}")
    print(f"  {_identity_line(report)}")
    if report.department is None or report.year is None:
        print(f"  {labels.no_identity(report)}")
    for key, where in contract["provenance"].items():
        if key != "department":
            print(f"  {key:<24} {where['sentence'][:60]}")
    for check in contract["checks"]:
        print(f"  [{check['severity']}] {check['rule']}: {check['message']}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from etl import queries
    from etl.show import format_record, record_json

    db = args.db or config.db_path()
    if not db.exists():
        print(f"error: {db}: no database (load reports first: python -m etl load)", file=sys.stderr)
        return 1
    con = queries.connect(db)
    try:
        record = record_json(con, args.department, args.year)
    finally:
        con.close()
    if record is None:
        print(f"error: {db}: {args.department} {args.year} 年度 not loaded", file=sys.stderr)
        return 1
    if args.json:
        json.dump(record, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(format_record(record))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from etl.evaluate import evaluate_folders, evaluation_json, format_evaluation

    for folder in args.dirs:
        if not folder.is_dir():
            print(f"error: {folder}: not a folder", file=sys.stderr)
            return 2
    evaluation = evaluate_folders(args.dirs, args.golden)
    if args.json:
        json.dump(evaluation_json(evaluation), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        label = " ".join(str(folder) for folder in args.dirs)
        print(format_evaluation(evaluation, label, limit=args.limit))
    if not evaluation.documents:
        print("error: no document has expected JSON", file=sys.stderr)
        return 1
    if args.fail_under is not None and evaluation.overall.accuracy * 100 < args.fail_under:
        return 1
    return 0


def _progress(index: int, total: int, result: LoadResult) -> None:
    print(f"[{index}/{total}] {STATUS_LABELS[result.status]}  {result.path}  {result.message}")


def _given(args: argparse.Namespace) -> Given | None:
    """--department and --year, checked; None (after saying why) when either is malformed."""
    from etl.load import Given

    try:
        return Given.typed(args.department, args.year)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def _identity_line(report: Report) -> str:
    """Kind, and where the department and the year came from (需确认 when only guessed)."""
    kind = labels.label("kind", report.kind) if report.kind else "未识别"
    parts = [f"文件类型：{kind}"]
    for what, source in (("部门", report.department_from), ("年度", report.year_from)):
        where = labels.IDENTITY_FROM.get(source, source)
        parts.append(f"{what}来源：{where}" + (f"（{labels.GUESSED}）" if source == "text" else ""))
    return "；".join(parts)


def _load(args: argparse.Namespace) -> int:
    from etl.load import load_paths

    given = _given(args)
    if given is None:
        return 2
    db = args.db or config.db_path()
    return _run_load(
        db,
        lambda: load_paths(
            args.paths,
            db,
            on_conflict=args.on_conflict,
            progress=_progress,
            aliases=args.aliases,
            given=given,
        ),
    )


def _manual(args: argparse.Namespace) -> int:
    from etl.load import load_manual
    from etl.manual import read_template
    from etl.readers import ReadError, read_bytes

    db = args.db or config.db_path()
    try:
        data = read_bytes(args.file)
    except ReadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    _, issues = read_template(args.file.name, data)
    for issue in issues:
        print(f"error: {args.file.name}: {issue.message()}", file=sys.stderr)
    if issues:
        print(f"{args.file.name}: {len(issues)} 个问题，未载入任何数字", file=sys.stderr)
        return 1
    return _run_load(
        db,
        lambda: load_manual(
            args.file.name, data, db, on_conflict=args.on_conflict, progress=_progress
        )[0],
    )


def _template(args: argparse.Namespace) -> int:
    from etl import manual

    out: Path = args.out
    data = manual.template_xlsx() if out.suffix.lower() == ".xlsx" else manual.template_csv()
    out.write_bytes(data)
    print(out)
    return 0


def _brief(args: argparse.Namespace) -> int:
    # The brief draws the app's own charts and tables (ui.charts, ui.tables; neither imports
    # Streamlit), so the CLI reaches into ui/ here rather than keeping a second copy in etl/.
    import time

    from etl import queries
    from ui import brief, printing

    out: Path = args.out
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        print(f"--out: .pdf 或 .xlsx，而不是 {out.name}", file=sys.stderr)
        return 2
    db = args.db or config.db_path()
    if not Path(db).exists():
        print(f"没有数据库：{db}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    with queries.connect(db) as con:
        try:
            content = (
                brief.department_brief(con, args.department, args.year)
                if args.department
                else brief.year_brief(con, args.year)
            )
        except brief.NoReport as exc:
            print(exc, file=sys.stderr)
            return 1
    try:
        data = printing.brief_pdf(content) if suffix == ".pdf" else brief.workbook_bytes(content)
    except printing.BriefUnavailable as exc:
        print(exc, file=sys.stderr)
        return 2
    out.write_bytes(data)
    pages = f"，{printing.page_count(data)} 页" if suffix == ".pdf" else ""
    print(f"{out}（{len(data) / 1024:,.0f} KB{pages}，{time.perf_counter() - started:.1f} 秒）")
    return 0


def _questions(args: argparse.Namespace) -> int:
    # Built by ui.questions (no Streamlit there), as the 数据核对 page downloads it.
    from etl import queries
    from ui import questions

    out: Path = args.out
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".xlsx"):
        print(f"--out: .docx 或 .xlsx，而不是 {out.name}", file=sys.stderr)
        return 2
    db = args.db or config.db_path()
    if not Path(db).exists():
        print(f"没有数据库：{db}", file=sys.stderr)
        return 1
    with queries.connect(db) as con:
        content = questions.question_list(con, args.department, args.year)
    if content.status.empty:
        print(f"没有 {args.department} {args.year} 年的报告（{db}）", file=sys.stderr)
        return 1
    data = (
        questions.questions_docx(content)
        if suffix == ".docx"
        else questions.questions_xlsx(content)
    )
    out.write_bytes(data)
    print(f"{out}（{content.count()} 个问题）")
    return 0


def _rebuild(args: argparse.Namespace) -> int:
    from etl.load import rebuild

    db = args.db or config.db_path()
    return _run_load(db, lambda: rebuild(db, progress=_progress, aliases=args.aliases))


def _roles(args: argparse.Namespace) -> int:
    from etl.load import LoadBusy, Refused, change_role, role_rows

    db = args.db or config.db_path()
    if args.action == "list":
        rows = role_rows(db)
        if rows.empty:
            print(f"{db}: 没有角色记录")
        for user, code, department, by, at in rows.itertuples(index=False):
            role = f"{labels.ROLE_LABELS.get(str(code), str(code))}（{code}）"
            where = str(department) or labels.EVERY_DEPARTMENT
            print(f"{user}\t{role}\t{where}\t{by}\t{at}")
        return 0
    if not args.user or not args.role:
        print("error: grant and revoke need USER and ROLE", file=sys.stderr)
        return 1
    try:
        print(change_role(db, args.action, args.user, args.role, args.department))
    except (ValueError, Refused) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except LoadBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _demo(args: argparse.Namespace) -> int:
    from etl import demo

    try:
        years = demo.parse_years(args.years)
        demo.department_names(args.departments)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    db: Path = args.db
    try:
        code = _run_load(
            db,
            lambda: demo.build(
                db,
                args.out,
                departments=args.departments,
                years=years,
                seed=args.seed,
                progress=_progress,
            ),
        )
    except demo.NotADemoDatabase as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"示例数据（虚构）已写入 {args.out}，载入 {db}；查看：BUDGET_LENS_DB={db} scripts/start")
    return code


def _run_load(db: Path, run: Callable[[], list[LoadResult]]) -> int:
    from etl.load import AliasError, DamagedDatabase, LoadBusy, Refused

    try:
        results = run()
    except (AliasError, Refused) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except LoadBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DamagedDatabase as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    counts = {status: sum(r.status == status for r in results) for status in STATUS_LABELS}
    summary = "，".join(f"{STATUS_LABELS[s]} {n}" for s, n in counts.items() if n)
    print(f"{db}: {len(results)} 个文件，{summary or '没有找到报告文件'}")
    for result in results:
        if not result.ok:
            print(f"error: {result.path.name}: {result.message}", file=sys.stderr)
    return 1 if any(not r.ok for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
