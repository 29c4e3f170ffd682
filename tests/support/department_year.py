"""Documents of one department-year, written by code for the record tests: a 部门预算, a 部门决算 and
项目支出绩效自评表 for the seed's department (长沙市天心区交通运输局, 2020), in layouts the extractor
reads (a budget's and a final account's prose, a project form's pipe table). Every text carries
the synthetic mark: these are test documents, not real ones; the seed report is the real one.

The default values agree with the seed report except where a test asks otherwise.
"""

from __future__ import annotations

from pathlib import Path

from etl.config import REPORTS_DIR
from etl.store.versions import SYNTHETIC_MARK

SEED = REPORTS_DIR / "2020-tianxin-transport-bureau.txt"
DEPARTMENT = "长沙市天心区交通运输局"
YEAR = 2020


def budget(basic: str = "487.51", project: str = "97.80", three_public: str = "9.00") -> str:
    total = f"{float(basic) + float(project):.2f}"
    return (
        f"{DEPARTMENT}{YEAR}年部门预算公开说明\n{SYNTHETIC_MARK}\n"
        "一、部门基本情况\n本部门为区政府工作部门。\n二、收支预算情况说明\n"
        f"{YEAR}年本部门支出预算{total}万元，其中：基本支出{basic}万元，项目支出{project}万元。\n"
        f"三、“三公”经费预算情况说明\n{YEAR}年“三公”经费预算{three_public}万元。\n"
    )


def final_accounts(
    basic: str = "801.07",
    project: str = "349.40",
    personnel: str | None = "758.01",
    public: str = "42.97",
    three_public: str = "5.26",
) -> str:
    total = f"{float(basic) + float(project):.2f}"
    parts = (
        f"人员经费{personnel}万元，公用经费{public}万元" if personnel else f"公用经费{public}万元"
    )
    return (
        f"{DEPARTMENT}{YEAR}年度部门决算公开说明\n{SYNTHETIC_MARK}\n"
        f"一、支出决算情况说明\n{YEAR}年本年支出合计{total}万元，其中：基本支出{basic}万元；"
        f"项目支出{project}万元。\n二、基本支出决算情况说明\n{YEAR}年基本支出{basic}万元，其中：{parts}。\n"
        f"三、财政拨款“三公”经费支出决算情况说明\n{YEAR}年“三公”经费支出{three_public}万元。\n"
    )


def project_form(name: str, initial: str, adjusted: str, actual: str) -> str:
    rate = f"{float(actual) / float(adjusted):.2%}"
    return (
        f"{DEPARTMENT}{YEAR}年度项目支出绩效自评表\n{SYNTHETIC_MARK}\n"
        f"项目名称 | {name} | | |\n"
        f"主管部门 | {DEPARTMENT} | 实施单位 | {DEPARTMENT} |\n"
        "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 执行率 | 得分\n"
        f"年度资金总额 | {initial} | {adjusted} | {actual} | {rate} | 10\n"
    )


def write_year(folder: Path, **texts: str) -> dict[str, Path]:
    """Each text as folder/<name>.txt; the paths by name."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, text in texts.items():
        paths[name] = folder / f"{name}.txt"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def full_year(folder: Path) -> dict[str, Path]:
    """The seed report and four documents beside it, with two deliberate disagreements: the
    决算 states 三公经费 5.30 (the 自评报告 5.26), and the 执法工作经费 form spent 60.68 (the
    自评报告 lists 61.68)."""
    paths = write_year(
        folder,
        budget=budget(),
        final=final_accounts(three_public="5.30"),
        road=project_form("农村公路养护、建设费", "60.00", "191.16", "191.16"),
        enforcement=project_form("执法工作经费", "20.00", "61.68", "60.68"),
    )
    seed = folder / SEED.name
    seed.write_bytes(SEED.read_bytes())
    return {"report": seed, **paths}
