"""Who may change what, in the write step itself (no UI): every write path refused without its
role, a 填报 user of one department refused another's report, each refusal logged, who did each
write recorded on the documents and corrections and in the journal, and all of it kept by
`etl rebuild`."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl.load import (
    Refused,
    change_role,
    correct_figure,
    load_documents,
    load_manual,
    load_paths,
    rebuild,
    restore_version,
    role_rows,
)
from etl.store import access
from etl.store.review import set_disposition, set_review_status
from tests.support.databases import DEPARTMENT, OTHER_DEPARTMENT, SEED, seed_variant

SEED_BYTES = SEED.read_bytes()
V2_BYTES = SEED_BYTES.decode().replace("预算调整数为801.07万元", "预算调整数为802.07万元").encode()
OTHER_BYTES = SEED_BYTES.decode().replace("天心区", "雨花区").encode()
MANUAL_CSV = f"部门,年度,类别,指标,数值,单位,用途,说明\r\n{DEPARTMENT},2019,基本支出,年初预算,1.5,万元,,\r\n".encode(
    "utf-8-sig"
)
ADMIN = access.signed_in("boss@example.gov.cn", "管理员甲")
SUBMITTER = access.signed_in("Clerk@Example.gov.cn", "填报员乙")  # stored lower case
REVIEWER = access.signed_in("checker@example.gov.cn", "审核员丙")
VIEWER = access.signed_in("reader@example.gov.cn", "查看员丁")
STRANGER = access.signed_in("nobody@example.gov.cn")  # signed in, no role row


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The seed report (v1 and v2, v2 current) loaded by the OS user, and the four roles granted
    (填报 and 审核 only for the seed's department)."""
    db = tmp_path / "budget.duckdb"
    load_documents([("v1.txt", SEED_BYTES), ("v2.txt", V2_BYTES, "replace")], db)
    change_role(db, "grant", ADMIN.user_id, "管理")
    change_role(db, "grant", SUBMITTER.user_id, "填报", DEPARTMENT)
    change_role(db, "grant", REVIEWER.user_id, "review", DEPARTMENT)
    change_role(db, "grant", VIEWER.user_id, "查看")
    return db


def sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def refusals(db: Path) -> list[dict[str, object]]:
    return access.refusals(db)


def documents(db: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT file_name, is_current, loaded_by, restored_by FROM documents ORDER BY ALL"
        ).fetchall()


# Every write path with the role it needs: (name, role, the write as `actor`).
WRITES = {
    "folder load": lambda db, tmp, actor: load_paths([tmp / "other.txt"], db, actor=actor),
    "upload": lambda db, tmp, actor: load_documents([("u.txt", OTHER_BYTES)], db, actor=actor),
    "hand entry": lambda db, tmp, actor: load_manual("录入.csv", MANUAL_CSV, db, actor=actor),
    "correction": lambda db, tmp, actor: correct_figure(
        db, sha(V2_BYTES), "basic", "adjusted", "800", "核对原件", actor=actor
    ),
    "restore": lambda db, tmp, actor: restore_version(db, sha(SEED_BYTES), actor=actor),
    "rebuild": lambda db, tmp, actor: rebuild(db, actor=actor),
    "role change": lambda db, tmp, actor: change_role(db, "grant", "x@y.cn", "查看", actor=actor),
    "review status": lambda db, tmp, actor: set_review_status(
        db, DEPARTMENT, 2020, "checked", actor=actor
    ),
    "finding disposition": lambda db, tmp, actor: set_disposition(
        db, DEPARTMENT, 2020, "personnel_public_sum||", "confirmed", actor=actor
    ),
}
NEEDS = {
    "folder load": "submit",
    "upload": "submit",
    "hand entry": "submit",
    "correction": "review",
    "restore": "review",
    "rebuild": "admin",
    "role change": "admin",
    "review status": "review",
    "finding disposition": "review",
}
# Who lacks the role of each write outright (refused before anything is written).
LACKING = {
    "submit": [VIEWER, STRANGER, REVIEWER],
    "review": [VIEWER, STRANGER, SUBMITTER],
    "admin": [VIEWER, STRANGER, SUBMITTER, REVIEWER],
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_is_refused_without_its_role_and_the_refusal_is_logged(
    db: Path, tmp_path: Path, write: str
) -> None:
    seed_variant(tmp_path, "other.txt", ("天心区", "雨花区"))
    before = (documents(db), role_rows(db).to_dict("records"), db.read_bytes())
    role = NEEDS[write]
    for actor in LACKING[role]:
        with pytest.raises(Refused) as refused:
            WRITES[write](db, tmp_path, actor)
        assert access.labels.ROLE_LABELS[role] in str(refused.value)
        assert refused.value.role == role
        logged = refusals(db)[0]
        assert (logged["by"], logged["role"]) == (actor.user_id, role)
    assert (documents(db), role_rows(db).to_dict("records"), db.read_bytes()) == before


@pytest.mark.parametrize("write", list(WRITES))
def test_signed_out_and_unconfigured_sessions_write_nothing(
    db: Path, tmp_path: Path, write: str
) -> None:
    seed_variant(tmp_path, "other.txt", ("天心区", "雨花区"))
    before = db.read_bytes()
    for actor, says in (
        (access.nobody("请先登录", "oidc"), "请先登录"),
        (access.nobody("未配置登录"), "未配置登录"),
    ):
        with pytest.raises(Refused, match=says):
            WRITES[write](db, tmp_path, actor)
    assert db.read_bytes() == before
    assert len(refusals(db)) == 2


def test_each_write_is_allowed_with_its_role(db: Path, tmp_path: Path) -> None:
    seed_variant(tmp_path, "other.txt", ("天心区", "雨花区"))
    own = seed_variant(tmp_path, "own-2021.txt", ("2020", "2021"))
    assert [r.status for r in load_paths([own], db, actor=SUBMITTER)] == ["loaded"]
    upload = [("u2022.txt", SEED_BYTES.decode().replace("2020", "2022").encode())]
    assert [r.status for r in load_documents(upload, db, actor=SUBMITTER)] == ["loaded"]
    results, issues = load_manual("录入.csv", MANUAL_CSV, db, actor=SUBMITTER)
    assert issues == [] and [r.status for r in results] == ["loaded"]
    assert WRITES["correction"](db, tmp_path, REVIEWER).status == "corrected"
    assert WRITES["restore"](db, tmp_path, REVIEWER).status == "restored"
    assert "已授予角色" in WRITES["role change"](db, tmp_path, ADMIN)
    assert all(r.ok for r in WRITES["rebuild"](db, tmp_path, ADMIN))
    # 管理 holds every role, in every department.
    assert WRITES["upload"](db, tmp_path, ADMIN)[0].status == "loaded"
    assert refusals(db) == []


def test_a_submitter_cannot_load_a_report_of_another_department(db: Path, tmp_path: Path) -> None:
    other = seed_variant(tmp_path, "other.txt", ("天心区", "雨花区"))
    own = seed_variant(tmp_path, "own.txt", ("2020", "2021"))
    (folder,) = load_paths([other], db, actor=SUBMITTER)
    assert folder.status == "failed" and "没有填报权限" in folder.message
    assert OTHER_DEPARTMENT in folder.message
    uploaded = load_documents(
        [("a.txt", OTHER_BYTES), ("b.txt", own.read_bytes())], db, actor=SUBMITTER
    )
    assert [r.status for r in uploaded] == ["failed", "loaded"]  # its own department still loads
    other_manual = MANUAL_CSV.decode("utf-8-sig").replace(DEPARTMENT, OTHER_DEPARTMENT)
    (entry,), _ = load_manual("录入.csv", other_manual.encode(), db, actor=SUBMITTER)
    assert entry.status == "failed"
    # The department the document resolves to is what counts: no text of the other department
    # is stored, and the three attempts are logged with the department they were for.
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT count(*) FROM documents WHERE department = ?", [OTHER_DEPARTMENT]
        ).fetchone() == (0,)
    logged = refusals(db)
    assert [e["department"] for e in logged] == [OTHER_DEPARTMENT] * 3
    assert {e["what"] for e in logged} == {"载入报告文件", "上传报告", "手工录入"}


def test_the_department_check_applies_aliases(db: Path, tmp_path: Path) -> None:
    """An alias of the assigned department is the same department; a 审核 user of one department
    cannot correct another's figures either."""
    aliases = tmp_path / "aliases.csv"
    aliases.write_text(f"alias,department\n天心区交通局,{DEPARTMENT}\n", encoding="utf-8")
    with pytest.raises(Refused, match="管理"):  # changing aliases is 管理's
        load_paths([], db, aliases=aliases, actor=SUBMITTER)
    load_paths([], db, aliases=aliases, actor=ADMIN)
    alias_named = SEED_BYTES.decode().replace(DEPARTMENT, "天心区交通局").replace("2020", "2023")
    (result,) = load_documents([("alias.txt", alias_named.encode())], db, actor=SUBMITTER)
    assert result.status == "loaded"
    load_documents([("other.txt", OTHER_BYTES)], db)  # by the OS user
    with pytest.raises(Refused, match=OTHER_DEPARTMENT):
        correct_figure(db, sha(OTHER_BYTES), "basic", "adjusted", "1", "x", actor=REVIEWER)
    with pytest.raises(Refused, match=OTHER_DEPARTMENT):
        set_review_status(db, OTHER_DEPARTMENT, 2020, "checked", actor=REVIEWER)
    reviewed = set_review_status(db, "天心区交通局", 2023, "checked", actor=REVIEWER)
    assert reviewed.ok, reviewed.message  # the alias is the department REVIEWER reviews


def test_roles_are_read_from_the_database_at_write_time(db: Path) -> None:
    """An actor carrying roles it was never granted (a forged session) holds only its rows."""
    forged = access.Actor(VIEWER.user_id, source="oidc", grants=access.ALL_ROLES)
    with pytest.raises(Refused):
        load_documents([("u.txt", OTHER_BYTES)], db, actor=forged)
    change_role(db, "revoke", SUBMITTER.user_id, "填报", DEPARTMENT, actor=ADMIN)
    with pytest.raises(Refused):
        load_documents([("u.txt", SEED_BYTES)], db, actor=SUBMITTER)


def test_who_did_each_write_is_recorded_journaled_and_survives_rebuild(
    db: Path, tmp_path: Path
) -> None:
    own = SEED_BYTES.decode().replace("2020", "2021").encode()
    load_documents([("2021.txt", own)], db, actor=SUBMITTER)
    correct_figure(db, sha(V2_BYTES), "basic", "adjusted", "800", "核对原件", actor=REVIEWER)
    restore_version(db, sha(SEED_BYTES), actor=REVIEWER)

    def recorded() -> tuple[object, ...]:
        with duckdb.connect(str(db), read_only=True) as con:
            docs = con.execute(
                "SELECT file_name, loaded_by, restored_by, restored_at IS NOT NULL"
                " FROM documents ORDER BY file_name"
            ).fetchall()
            fixes = con.execute("SELECT value, corrected_by FROM corrections").fetchall()
            roles = con.execute("SELECT * FROM user_roles ORDER BY ALL").fetchall()
        return docs, fixes, roles

    who = access.os_actor().user_id
    docs, fixes, roles = recorded()
    assert len(roles) == 4
    assert docs == [
        ("2021.txt", SUBMITTER.user_id, None, False),
        ("v1.txt", who, REVIEWER.user_id, True),
        ("v2.txt", who, None, False),
    ]
    assert fixes == [(Decimal("800.000000"), REVIEWER.user_id)]
    assert SUBMITTER.user_id == "clerk@example.gov.cn"
    journal = [
        json.loads(line)
        for line in (tmp_path / "budget.archive" / "journal.jsonl").read_text().splitlines()
    ]
    assert all(e["by"] and e["at"] for e in journal)
    assert [e["by"] for e in journal[-3:]] == [
        SUBMITTER.user_id,  # the upload
        REVIEWER.user_id,  # the correction
        REVIEWER.user_id,  # the restore
    ]
    assert [e.get("kind") for e in journal].count("role") == 4
    assert all(e["by_source"] == "os" for e in journal if e.get("kind") == "role")
    before = recorded()
    rebuild(db, actor=ADMIN)
    assert recorded() == before


def test_command_line_and_library_callers_act_as_the_os_user(db: Path) -> None:
    """No actor given: the operating-system user with every role (the command line; what the
    tests of other writes rely on)."""
    (result,) = load_documents([("u.txt", OTHER_BYTES)], db)
    assert result.status == "loaded"
    assert ("u.txt", access.os_actor().user_id) in [(n, by) for n, _, by, _ in documents(db)]


def test_role_changes_are_checked(db: Path) -> None:
    with pytest.raises(ValueError, match="不能限定部门"):
        change_role(db, "grant", "a@b.cn", "管理", DEPARTMENT)
    with pytest.raises(ValueError, match="没有这个角色"):
        change_role(db, "grant", "a@b.cn", "超级")
    assert set(role_rows(db)["role"]) == {"admin", "submit", "review", "view"}


def test_the_roles_command_grants_lists_and_revokes_as_the_os_user(tmp_path: Path) -> None:
    from tests.support.cli import run

    db = str(tmp_path / "budget.duckdb")
    granted = run(
        "roles", "grant", "Clerk@Example.gov.cn", "填报", "--department", DEPARTMENT, "--db", db
    )
    assert granted.returncode == 0, granted.stderr
    assert "已授予角色：clerk@example.gov.cn · 填报" in granted.stdout
    listed = run("roles", "list", "--db", db)
    who = access.os_actor().user_id
    assert f"clerk@example.gov.cn\t填报（submit）\t{DEPARTMENT}\t{who}" in listed.stdout
    scoped_admin = run("roles", "grant", "a@b.cn", "admin", "--department", DEPARTMENT, "--db", db)
    assert scoped_admin.returncode == 1 and "不能限定部门" in scoped_admin.stderr
    assert (
        run(
            "roles",
            "revoke",
            "clerk@example.gov.cn",
            "submit",
            "--department",
            DEPARTMENT,
            "--db",
            db,
        ).returncode
        == 0
    )
    assert "没有角色记录" in run("roles", "list", "--db", db).stdout
