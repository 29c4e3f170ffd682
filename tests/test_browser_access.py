"""Sign-in and roles in the real app, in headless Chromium, against a real OpenID Connect
provider on loopback (oidc-provider-mock in this process): each role sees and may do what it
should and no more, a 填报 user of one department cannot load another's report, a signed-out
session cannot write, a session ends when its ID token expires, and an app started on another
address without sign-in refuses every write but still shows the data.

Pitfalls: the browser's host must equal redirect_uri's (127.0.0.1 everywhere); the provider
forgets its users when restarted, so each module keeps one provider for all its tests."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import re
import time
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest

from etl.load import Refused, change_role, load_documents, restore_version, role_rows
from etl.store import access
from tests.support.browser import TIMEOUT, no_traceback, see, upload
from tests.support.databases import DEPARTMENT, OTHER_DEPARTMENT, SEED
from tests.support.live_app import CHROMIUM, free_port, running_app

playwright = pytest.importorskip("playwright.sync_api")
oidc = pytest.importorskip("oidc_provider_mock")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]

SEED_BYTES = SEED.read_bytes()
V2_BYTES = SEED_BYTES.decode().replace("预算调整数为801.07万元", "预算调整数为802.07万元").encode()
OTHER_BYTES = SEED_BYTES.decode().replace("天心区", "雨花区").encode()
OWN_2021 = SEED_BYTES.decode().replace("2020", "2021").encode()
DOMAIN = "example.gov.cn"
# The provider's users (sub -> claims). The reader's provider says it is an administrator:
# claims grant nothing here, the database's role rows decide.
USERS = {
    "admin": {"email": f"admin@{DOMAIN}", "name": "管理员甲"},
    "clerk": {"email": f"clerk@{DOMAIN}", "name": "填报员乙"},
    "checker": {"email": f"checker@{DOMAIN}", "name": "审核员丙"},
    "reader": {"email": f"reader@{DOMAIN}", "name": "查看员丁", "roles": ["管理"]},
    "newbie": {"email": f"newbie@{DOMAIN}", "name": "新用户戊"},
}
GRANTS = [
    ("admin", "admin", None),
    ("clerk", "submit", DEPARTMENT),
    ("checker", "review", DEPARTMENT),
    ("reader", "view", None),
]


def email(sub: str) -> str:
    return str(USERS[sub]["email"])


def secrets_toml(folder: Path, app_port: int, provider_port: int) -> Path:
    """The [auth] section as README's worked example has it, for this app and provider."""
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-enough-length-0123456789"\n'
        'client_id = "budget-lens"\n'
        'client_secret = "budget-lens-test-secret"\n'
        f'server_metadata_url = "http://127.0.0.1:{provider_port}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


@contextlib.contextmanager
def signed_in_app(folder: Path, db: Path, max_age: timedelta = timedelta(hours=1)) -> Iterator[str]:
    """The provider (USERS, ID tokens valid for `max_age`) and the app signing in through it."""
    users = [oidc.User(sub=sub, claims=claims) for sub, claims in USERS.items()]
    with oidc.run_server_in_thread(user_claims=users, access_token_max_age=max_age) as provider:
        port = free_port()
        secrets = secrets_toml(folder, port, provider.server_port)
        with running_app(db, port=port, args=["--secrets.files", str(secrets)]) as url:
            yield url


def sign_in(page: object, url: str, sub: str) -> None:
    """Sign in as `sub` the way a user does: 登录, the provider's page, back to the app."""
    page.goto(url)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name=sub, exact=True).click()  # the provider's predefined user
    see(page, f"已登录：{USERS[sub]['name']}")


def downloaded_csv(page: object, key: str, folder: Path) -> list[dict[str, str]]:
    """The rows of the CSV the download button `key` gives (utf-8-sig, Chinese headers)."""
    with page.expect_download(timeout=TIMEOUT) as info:
        page.locator(f".st-key-{key} button").click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))


def file_input(page: object) -> object:
    return page.locator("input[type=file]")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The seed report in two versions (v2 current), the four roles granted, the app behind
    sign-in."""
    folder = tmp_path_factory.mktemp("access")
    db = folder / "budget.duckdb"
    load_documents([("v1.txt", SEED_BYTES), ("v2.txt", V2_BYTES, "replace")], db)
    for sub, role, department in GRANTS:
        change_role(db, "grant", email(sub), role, department)
    with signed_in_app(folder, db) as url:
        yield url, db


def test_a_signed_out_session_sees_no_page_and_cannot_write(
    app: tuple[str, Path], page: object
) -> None:
    url, _ = app
    for path in ("", "/import_reports", "/versions", "/audit", "/admin"):
        page.goto(f"{url}{path}")
        see(page, "请先登录")
        page.get_by_role("button", name="登录").wait_for(timeout=TIMEOUT)
        assert file_input(page).count() == 0
        assert page.get_by_role("button", name="恢复").count() == 0
        assert page.get_by_text("487.51").count() == 0  # no figures either
        no_traceback(page)


def test_a_viewer_reads_everything_and_changes_nothing(app: tuple[str, Path], page: object) -> None:
    url, _ = app
    sign_in(page, url, "reader")
    see(page, "查看")
    page.goto(f"{url}/?department={quote(DEPARTMENT)}&year=2020")
    see(page, "487.51")  # the report's figures
    page.goto(f"{url}/import_reports")
    see(page, "没有填报权限")
    assert file_input(page).count() == 0
    page.goto(f"{url}/versions")
    see(page, "没有审核权限")
    see(page, f"载入人 {access.os_actor().user_id}")
    assert page.get_by_role("button", name="恢复").count() == 0
    page.goto(f"{url}/audit")
    see(page, "没有审核权限")
    assert page.get_by_role("button", name="保存更正").is_disabled()
    page.goto(f"{url}/admin")  # the provider's "roles": ["管理"] claim grants nothing
    see(page, "没有管理权限")
    assert page.get_by_role("button", name="授予").count() == 0
    no_traceback(page)


def test_a_submitter_loads_its_own_department_only(app: tuple[str, Path], page: object) -> None:
    url, db = app
    sign_in(page, url, "clerk")
    page.goto(f"{url}/import_reports")
    see(page, f"您可以为这些部门填报：{DEPARTMENT}")
    upload(
        page,
        "import_files_0",
        ("雨花区2020.txt", OTHER_BYTES, "text/plain"),
        ("天心区2021.txt", OWN_2021, "text/plain"),
    )
    see(page, "确认载入（2 个文件）")
    page.get_by_role("button", name="确认载入（2 个文件）").click()
    see(page, "1 个成功，1 个失败")
    see(page, f"没有填报权限（部门：{OTHER_DEPARTMENT}）")
    refused = access.refusals(db)[0]
    assert (refused["by"], refused["department"]) == (email("clerk"), OTHER_DEPARTMENT)
    page.goto(f"{url}/versions?department={quote(DEPARTMENT)}&year=2021")
    see(page, f"载入人 {email('clerk')}")
    page.goto(f"{url}/versions?department={quote(DEPARTMENT)}&year=2020")
    see(page, "没有审核权限")
    assert page.get_by_role("button", name="恢复").count() == 0
    page.goto(f"{url}/admin")
    see(page, "没有管理权限")
    no_traceback(page)


def test_a_reviewer_corrects_and_restores_but_does_not_load(
    app: tuple[str, Path], page: object, tmp_path: Path
) -> None:
    url, _ = app
    sign_in(page, url, "checker")
    page.goto(f"{url}/import_reports")
    see(page, "没有填报权限")
    assert file_input(page).count() == 0
    page.goto(f"{url}/audit?department={quote(DEPARTMENT)}&year=2020")
    see(page, "更正数字")
    page.locator(".st-key-correction_value input").fill("800.5")
    page.locator(".st-key-correction_reason input").fill("与部门决算表核对")
    page.get_by_role("button", name="保存更正").click()
    see(page, "已保存更正")
    (fix,) = downloaded_csv(page, "audit_corrections_csv", tmp_path)
    assert (fix["生效数值"], fix["更正人"]) == ("800.50", email("checker"))
    page.goto(f"{url}/versions?department={quote(DEPARTMENT)}&year=2020")
    page.get_by_role("button", name="恢复").first.click()
    see(page, "已恢复为")
    rows = {r["文件"]: r for r in downloaded_csv(page, "versions_csv", tmp_path)}
    assert rows["v1.txt"]["恢复人"].startswith(email("checker"))
    assert rows["v1.txt"]["载入人"] == rows["v2.txt"]["载入人"] == access.os_actor().user_id
    # The snapshot carries who did it: the manifest and the tables.
    page.goto(f"{url}/snapshot")
    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name=re.compile("CSV 压缩包")).click()
    target = tmp_path / "snapshot.zip"
    info.value.save_as(target)
    archive = zipfile.ZipFile(target)
    sources = {s["file_name"]: s for s in json.loads(archive.read("manifest.json"))["sources"]}
    assert sources["v1.txt"]["restored_by"] == email("checker")
    corrections = archive.read("tables/corrections.csv").decode("utf-8-sig")
    assert email("checker") in corrections and "corrected_by" in corrections
    no_traceback(page)


def test_an_administrator_grants_a_role_and_sees_the_refusals(
    app: tuple[str, Path], page: object, browser: object
) -> None:
    url, db = app
    with pytest.raises(Refused):  # a write without the role, as a forged session would try
        restore_version(
            db, hashlib.sha256(SEED_BYTES).hexdigest(), actor=access.signed_in(email("reader"))
        )
    # A user without a role row signs in and sees nothing but the note.
    newbie = browser.new_context().new_page()
    sign_in(newbie, url, "newbie")
    see(newbie, "还没有任何角色")
    assert newbie.get_by_text("487.51").count() == 0
    sign_in(page, url, "admin")
    page.goto(f"{url}/admin")
    see(page, "用户角色")
    page.locator(".st-key-role_user input").fill(email("newbie"))
    page.get_by_role("button", name="授予").click()
    see(page, f"已授予角色：{email('newbie')} · 查看 · 全部部门")
    see(page, f"{email('reader')} 恢复版本，需要审核权限")
    granted = role_rows(db)
    assert (email("newbie"), "view", "", email("admin")) in [
        tuple(r) for r in granted[["user_id", "role", "department", "granted_by"]].values
    ]
    newbie.goto(f"{url}/?department={quote(DEPARTMENT)}&year=2020")
    see(newbie, f"已登录：新用户戊（{email('newbie')}） · 查看")
    see(newbie, "487.51")
    newbie.context.close()
    no_traceback(page)


def test_a_session_ends_when_its_id_token_expires(tmp_path: Path, page: object) -> None:
    db = tmp_path / "budget.duckdb"
    load_documents([("v1.txt", SEED_BYTES)], db)
    change_role(db, "grant", email("clerk"), "submit", DEPARTMENT)
    lifetime = 8
    with signed_in_app(tmp_path, db, timedelta(seconds=lifetime)) as url:
        sign_in(page, url, "clerk")
        signed_at = time.monotonic()
        page.goto(f"{url}/import_reports")
        file_input(page).first.wait_for(state="attached", timeout=TIMEOUT)
        time.sleep(max(0.0, lifetime + 1 - (time.monotonic() - signed_at)))
        page.goto(f"{url}/import_reports")
        see(page, "登录已过期")
        assert file_input(page).count() == 0
        # Signing in again gives a new session.
        page.get_by_role("button", name="登录").click()
        page.get_by_role("button", name="clerk", exact=True).click()
        see(page, "已登录：填报员乙")
        no_traceback(page)


def test_without_sign_in_on_another_address_writes_are_refused_and_reading_works(
    tmp_path: Path, page: object
) -> None:
    db = tmp_path / "budget.duckdb"
    load_documents([("v1.txt", SEED_BYTES), ("v2.txt", V2_BYTES, "replace")], db)
    with running_app(db, args=["--server.address", "0.0.0.0"]) as url:
        page.goto(f"{url}/?department={quote(DEPARTMENT)}&year=2020")
        see(page, "487.51")
        see(page, "本程序未配置登录")
        page.goto(f"{url}/import_reports")
        see(page, "secrets.toml")
        assert file_input(page).count() == 0
        page.goto(f"{url}/versions")
        see(page, "本程序未配置登录")
        assert page.get_by_role("button", name="恢复").count() == 0
        page.goto(f"{url}/audit")
        assert page.get_by_role("button", name="保存更正").is_disabled()
        page.goto(f"{url}/admin")
        assert page.get_by_role("button", name="授予").count() == 0
        no_traceback(page)
