"""导入: upload reports or a filled-in hand-entry template, preview what was read and which
department-year each file joins (a new record, beside the record's documents of other kinds, or
replacing the older version of its own kind) with what it adds or contradicts, then confirm;
after loading, open 总览 on the department-years the load joined.

Nothing is written until 确认载入 is clicked; the loader then writes a copy of the database and
swaps it in (etl/store/), so pages being read meanwhile see the old or the new data, never half.
"""

from __future__ import annotations

import functools
from typing import Any

import streamlit as st

from etl import config, labels
from etl.labels import MANUAL
from etl.load import NOTHING_GIVEN, Document, Given
from ui import access, data, tables, upload, widgets

selection = widgets.page_frame()
st.title("导入")
widgets.show_flash()
actor = access.actor()  # 填报, for the departments assigned (the write step checks each file)
if not widgets.allowed(actor, "submit"):
    st.stop()
if (departments := actor.departments("submit")) is not None:
    st.caption(widgets.md_escape(f"您可以为这些部门填报：{'、'.join(departments)}"))

LIMIT_MB = int(st.get_option(config.UPLOAD_LIMIT_OPTION))
ROUND = "import_round"  # bumped after a load, so the uploaders start empty again
JOINED = "import_joined"  # (round, [(department, year)]): the department-years the last load joined
CHOICES: dict[str, str] = {
    "keep": "保留当前版本（新文件存为历史版本）",
    "replace": "替换为新版本（原版本保留为历史版本，可在“版本”页恢复）",
}
round_ = st.session_state.setdefault(ROUND, 0)
identity = data.db_identity()
joined_round, joined = st.session_state.get(JOINED, (None, []))
if identity is not None and joined_round == round_ and joined:
    st.markdown("**刚载入的部门年度**")
    for index, (joined_department, joined_year) in enumerate(joined):
        widgets.open_record(identity, joined_department, joined_year, key=f"import_open_{index}")


def conflict_choice(state: str, message: str, key: str) -> Any:
    """keep / replace for a version that meets another one of its department-year."""
    if state == "conflict":
        st.warning(widgets.md_escape(message + "。请选择："), icon=":material/call_split:")
    return st.radio(
        "如何处理",
        list(CHOICES),
        format_func=CHOICES.__getitem__,
        key=key,
        label_visibility="collapsed",
    )


def finish(results: list[Any], what: str) -> None:
    """Keep what the load did for the next run, empty the uploaders, rerun with the new data."""
    failed = [r for r in results if not r.ok]
    kind = "warning" if failed else "success"
    widgets.flash(kind, f"{what}：{len(results) - len(failed)} 个成功，{len(failed)} 个失败")
    for result in results:
        widgets.flash("error" if not result.ok else "info", upload.result_text(result))
    st.session_state[ROUND] = round_ + 1
    years = dict.fromkeys((r.department, r.year) for r in results if r.ok and r.department)
    st.session_state[JOINED] = (round_ + 1, list(years))
    st.rerun()


def identity_fields(preview: upload.Preview, key: str) -> Given | None:
    """部门 and 年度 for an upload, pre-filled with what was read, marked 需确认 when that was a
    guess or nothing; what the user typed (empty when it is what was read), None when malformed."""
    report = preview.report
    assert report is not None
    unsure = upload.needs_confirming(report)
    if unsure:
        st.warning(
            widgets.md_escape(
                f"{'、'.join(unsure)}{labels.GUESSED}：标题和表单没有写明，下面是从正文推测的"
                "（或空白），请核对或填写后再载入。"
            ),
            icon=":material/edit:",
        )
    left, right = st.columns([3, 1])
    department = left.text_input(
        "部门" + (f"（{labels.GUESSED}）" if "部门" in unsure else ""),
        value=report.department or "",
        key=f"import_department_{key}",
        max_chars=config.NAME_LIMIT,
    )
    year = right.text_input(
        "年度" + (f"（{labels.GUESSED}）" if "年度" in unsure else ""),
        value=str(report.year or ""),
        key=f"import_year_{key}",
        max_chars=6,
    )
    try:
        typed = Given.typed(department, year)
    except ValueError as exc:
        st.error(widgets.md_escape(str(exc)), icon=":material/error:")
        return None
    same = (typed.department, typed.year) == (report.department, report.year)
    return NOTHING_GIVEN if same else typed


def review(
    name: str, content: bytes, preview: upload.Preview, *, expanded: bool, mates: list[str]
) -> Document | None:
    """One upload's preview: its identity fields, what was read and checked, the choice on a
    conflict; the Document to load, or None when it cannot be loaded (yet). `mates` are the
    other files of this upload read as of the same department-year."""
    report = preview.report
    assert report is not None
    key = preview.sha256[:16]
    title = (
        f"{preview.name} → {report.department or '部门未识别'} · "
        f"{f'{report.year} 年度' if report.year else '年度未识别'} · {tables.kind_text(report.kind)}"
    )
    with st.expander(widgets.md_escape(title), expanded=expanded or not preview.ok):
        given = identity_fields(preview, key)
        if given is None:
            return None
        if given:
            preview = data.preview_report(name, content, LIMIT_MB, given.department, given.year)
            report = preview.report
            assert report is not None
        if report.department is None or report.year is None:
            st.error(widgets.md_escape(str(preview.error)), icon=":material/error:")
            return None
        # The department-year as the record knows it: an alias joins the name it stands for.
        department = widgets.canonical(identity, report.department)
        state, message = upload.version_state(
            preview.sha256,
            department,
            report.year,
            widgets.versions_of(identity, preview.sha256, department, report.year),
            upload.upload_part(report),
        )
        if state in ("conflict", "history"):
            choice = conflict_choice(state, message, f"import_choice_{key}")
        else:
            st.caption(widgets.md_escape(message))
            choice = "keep"
        if mates:
            st.caption(widgets.md_escape(upload.mates_line(mates)))
        if identity is not None and state in ("joins", "conflict"):
            adds, differs = upload.record_changes(
                report,
                data.figure_provenance(identity, department, report.year),
                data.project_breakdown(identity, department, report.year),
            )
            for line in differs:
                st.warning(
                    widgets.md_escape(f"与记录现有数字不一致：{line}"), icon=":material/difference:"
                )
            if adds:
                st.info(widgets.md_escape(f"为记录新增：{'、'.join(adds)}"), icon=":material/add:")
            if not adds and not differs:
                st.caption("所列数字与记录现有数字一致，没有新增。")
        for line in upload.summary_lines(report):
            st.markdown(widgets.md_escape(line))
        missing = upload.unrecognised(report)
        if missing:
            st.info(
                widgets.md_escape(f"未识别（报告中没有找到）：{'、'.join(missing)}"),
                icon=":material/help:",
            )
        failing = tables.open_warnings(upload.report_checks(report))
        for note in failing["message"]:
            st.warning(widgets.md_escape(note), icon=":material/warning:")
        st.markdown("**识别出的数字与原文句子**")
        widgets.show_table(tables.figure_table(upload.report_figures(report)))
        parts = upload.report_parts(report)
        if not parts.empty:
            st.markdown("**资金来源与项目**")
            widgets.show_table(parts)
        st.markdown("**核对结果**")
        widgets.show_table(tables.check_table(upload.report_checks(report)))
    if state == "same":
        return None
    return (name, content, "replace" if choice == "replace" else "keep", given)


reports_tab, manual_tab = st.tabs(["上传报告", "手工录入"])

with reports_tab:
    st.caption(
        f"可一次上传多个 .txt、.docx、.pdf 报告，每个不超过 {LIMIT_MB} MB；文件类型按内容判断。"
        "上传后先看识别结果，确认后才会载入。"
    )
    widgets.file_uploader_in_chinese(f"import_files_{round_}", upload.REPORT_TYPES)
    files = st.file_uploader(
        "选择报告文件",
        type=upload.REPORT_TYPES,
        accept_multiple_files=True,
        key=f"import_files_{round_}",
        help=f"可多选；每个文件不超过 {LIMIT_MB} MB",
    )
    loadable: list[Document] = []
    if files:
        bar = st.progress(0.0, text="正在读取文件……")
        previews = []
        for index, file in enumerate(files, start=1):
            bar.progress(index / len(files), text=f"正在读取 {index}/{len(files)}")
            previews.append((file, data.preview_report(file.name, file.getvalue(), LIMIT_MB)))
        bar.empty()
        of_year = upload.same_year_files(
            [(p.name, p.report.department, p.report.year) for _, p in previews if p.report]
        )
        for file, preview in previews:
            if preview.report is None:  # not readable at all: nothing the user could add
                st.error(
                    widgets.md_escape(f"{preview.name}：{preview.error}"), icon=":material/error:"
                )
                continue
            document = review(
                file.name,
                file.getvalue(),
                preview,
                expanded=len(files) <= 3,
                mates=of_year.get(preview.name, []),
            )
            if document is not None:
                loadable.append(document)
    if st.button(
        f"确认载入（{len(loadable)} 个文件）",
        key="import_confirm",
        type="primary",
        disabled=not loadable,
        icon=":material/upload:",
    ):
        from etl.load import load_documents

        with st.status(f"正在载入 {len(loadable)} 个文件……", expanded=True) as status:
            progress = st.progress(0.0)

            def report_progress(index: int, total: int, result: Any) -> None:
                progress.progress(index / total, text=f"{index}/{total}")
                st.write(widgets.md_escape(upload.result_text(result)))

            results = widgets.write_database(
                lambda: load_documents(
                    loadable,
                    config.db_path(),
                    progress=report_progress,
                    actor=actor,
                )
            )
            status.update(label="载入完成", state="complete")
        if results is not None:
            finish(results, "载入报告")

with manual_tab:
    st.markdown(
        "没有报告或报告识别不全的部门年度，可以下载模板在 Excel 中填写后导入：每行一个数字，"
        "金额单位为万元（也可在“单位”列写 元 或 亿元），没有的数字留空，不要填 0。"
        "导入前逐行检查，有问题时整份文件都不会导入。手工录入的数字在各页标注为“手工录入”。"
    )
    department = selection.department if selection else ""
    for column, (kind, what, mime) in zip(st.columns(2), upload.TEMPLATES, strict=True):
        column.download_button(
            f"下载录入模板（{what}）",
            data=functools.partial(upload.template_bytes, kind, department),
            file_name=f"预算透视_手工录入模板.{kind}",
            mime=mime,
            key=f"manual_template_{kind}",
            on_click="ignore",
            icon=":material/download:",
        )
    widgets.file_uploader_in_chinese(f"manual_file_{round_}", ["xlsx", "csv"])
    manual_file = st.file_uploader(
        "上传填好的模板（.xlsx 或 .csv）", type=["xlsx", "csv"], key=f"manual_file_{round_}"
    )
    manual_choice = "keep"
    ready = False
    if manual_file is not None:
        from etl.manual import read_template

        content = manual_file.getvalue()
        name = manual_file.name
        oversize = upload.too_large(len(content), LIMIT_MB)
        entries, issues = ([], []) if oversize else read_template(name, content)
        if oversize:
            st.error(widgets.md_escape(f"{name}：{oversize}"), icon=":material/error:")
        elif issues:
            st.error(
                widgets.md_escape(
                    f"{name}：发现 {len(issues)} 个问题，整份文件未导入。请在 Excel 中改正后重新上传。"
                ),
                icon=":material/error:",
            )
            widgets.show_table(upload.issues_table(issues))
        else:
            from etl.manual import canonical_bytes

            conflicts = []
            for entry in entries:
                digest = upload.sha256_hex(canonical_bytes(entry))
                state, message = upload.version_state(
                    digest,
                    entry.department,
                    entry.year,
                    widgets.versions_of(identity, digest, entry.department, entry.year),
                    "manual",
                )
                st.markdown(f"**{widgets.md_escape(entry.label)}**（{MANUAL}）")
                st.caption(widgets.md_escape(message))
                if state in ("conflict", "history"):
                    conflicts.append(message)
                widgets.show_table(upload.entry_table(entry))
            if conflicts:
                manual_choice = str(
                    conflict_choice("conflict", "；".join(conflicts), "manual_choice")
                )
            ready = True
    if st.button(
        "确认导入手工录入数据",
        key="manual_confirm",
        type="primary",
        disabled=not ready,
        icon=":material/upload:",
    ):
        from etl.load import load_manual

        assert manual_file is not None
        name, content = manual_file.name, manual_file.getvalue()
        outcome = widgets.write_database(
            lambda: load_manual(
                name,
                content,
                config.db_path(),
                on_conflict=manual_choice,  # type: ignore[arg-type]
                actor=actor,
            )
        )
        if outcome is not None:
            finish(outcome[0], "手工录入")
