"""The 文件库 (document library) tab in real headless Chromium, against a server of the test's own.

Each test serves a private corpus copy with an admin key, so uploads and removals never touch
the repository's corpus or another test's index.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from api.app import create_app
from assistant.settings import PROJECT_ROOT, Settings

from .servers import running
from .test_ui import ask, screenshot

pytestmark = pytest.mark.slow

KEY = "test-key"
UPLOAD = PROJECT_ROOT / "eval" / "realdocs-heldout" / "tianhe-gangao-qingnian.txt"
TITLE = "关于印发广州市天河区深化支持港澳青年创新创业高质量发展实施办法的通知"  # read from the file
SHORT = "天河港澳青年办法"
HUZHOU_TITLE = "湖州市打造虹桥国际开放枢纽金西翼行动计划（2024—2030年）"
REBUILD_MS = 120_000  # embedding the new document runs on CPU


@pytest.fixture
def admin_settings(private_settings: Settings) -> Settings:
    return private_settings.model_copy(update={"admin_key": KEY})


@pytest.fixture
def base_url(admin_settings: Settings) -> Iterator[str]:
    with running(create_app(admin_settings), ready_path="/readyz") as url:
        yield url


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url, locale="zh-CN")
    opened = context.new_page()
    yield opened
    context.close()


def open_library(page: Page) -> None:
    page.goto("/")
    page.get_by_role("button", name="文件库").click()
    expect(page.locator("#chat-view")).to_be_hidden()
    expect(page.locator("#library-rows tr")).to_have_count(1)
    expect(page.locator("#library-rows")).to_contain_text(HUZHOU_TITLE)


def choose_upload(page: Page, key: str) -> None:
    page.get_by_label("管理密钥").fill(key)
    page.get_by_label("文件（.txt .md .html .docx .pdf）").set_input_files(str(UPLOAD))
    page.get_by_label("简称（可选）").fill(SHORT)
    page.get_by_role("button", name="上传", exact=True).click()


def test_upload_ask_cite_match_and_remove_a_document(page: Page) -> None:
    open_library(page)
    page.get_by_role("button", name="浏览文件").click()  # the tree is loaded once, before the upload
    expect(page.locator("#toc h3")).to_have_count(1)
    page.get_by_role("button", name="文件库").click()

    choose_upload(page, KEY)
    status = page.locator("#library-status")
    expect(status).to_have_text(f"已完成：已上传《{SHORT}》。", timeout=REBUILD_MS)
    rows = page.locator("#library-rows tr")
    expect(rows).to_have_count(2)
    row = rows.filter(has_text=TITLE)
    expect(row.locator(".doc-short")).to_have_text(SHORT)
    expect(row.locator("td").nth(1)).to_have_text("穗天科工信规字〔2023〕1号")
    expect(row.locator("td").nth(3)).to_have_text("2023-08-09")
    assert page.evaluate("sessionStorage.getItem('policyqa-admin-key')") == KEY
    screenshot(page, "library.png")

    page.get_by_role("button", name="浏览文件").click()
    expect(page.locator("#toc h3")).to_have_count(2)
    expect(page.locator("#toc h3").last).to_have_text(TITLE)

    page.get_by_role("button", name="问答").click()
    # 第五条（二）: "……场地租金总额的50%予以租金补贴，每个企业租金补贴每年不超过5万元"
    ask(page, "港澳青年企业的租金补贴每年最多多少？")
    answer = page.locator(".message.assistant").last
    expect(answer).to_contain_text("每年不超过5万元")
    cited = answer.locator(".cited").filter(has_text=SHORT).first
    expect(cited.locator(".chip-doc")).to_have_text(SHORT)
    chip = cited.locator(".chip")
    expect(chip).to_have_attribute("aria-label", re.compile(f"^查看条款 《{SHORT}》"))
    chip.click()
    panel = page.get_by_role("complementary", name="条款原文")
    expect(panel).to_be_visible()
    expect(panel.locator("#panel-text")).to_contain_text("每个企业租金补贴每年不超过5万元")
    page.get_by_role("button", name="关闭条款").click()

    page.get_by_role("button", name="政策匹配").click()
    page.get_by_label("企业描述（做什么、在哪里、需要什么）").fill(
        "我们是在天河区登记注册的港澳青年企业，入驻孵化载体，需要租金补贴"
    )
    page.get_by_role("button", name="查找相关条款").click()
    match = page.locator(".fit-match").filter(has_text="每年不超过5万元").first
    expect(match).to_be_visible(timeout=30000)
    expect(match.locator(".fit-document")).to_have_text(f"文件：《{TITLE}》")
    expect(match.locator(".fit-support li").first).to_contain_text("租金补贴")
    expect(page.locator("#fit-results")).not_to_contain_text("[object Object]")

    page.get_by_role("button", name="文件库").click()
    asked: list[str] = []

    def accept(dialog):  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name=f"删除 {SHORT}").click()
    expect(status).to_have_text(f"已完成：已删除《{TITLE}》。", timeout=REBUILD_MS)
    assert asked == [f"确定从文件库删除《{SHORT}》吗？删除后将重建索引。"]
    expect(rows).to_have_count(1)
    expect(page.locator("#library-rows")).not_to_contain_text(TITLE)


def test_wrong_key_shows_the_chinese_error_and_changes_nothing(
    page: Page, base_url: str, admin_settings: Settings
) -> None:
    corpus_before = sorted(p.name for p in admin_settings.corpus_dir.iterdir())
    open_library(page)
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator("#library-status")).to_have_text("请先输入管理密钥。")

    choose_upload(page, "wrong-key")
    expect(page.locator("#library-status")).to_have_text("管理密钥无效或缺失（Authorization: Bearer <密钥>）")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="删除 湖州市打造虹桥国际开放枢纽金西翼行动计划").click()
    expect(page.locator("#library-status")).to_have_text("管理密钥无效或缺失（Authorization: Bearer <密钥>）")

    expect(page.locator("#library-rows tr")).to_have_count(1)
    expect(page.get_by_role("button", name="上传", exact=True)).to_be_enabled()
    assert sorted(p.name for p in admin_settings.corpus_dir.iterdir()) == corpus_before
    reindex = httpx.get(f"{base_url}/admin/reindex", headers={"Authorization": f"Bearer {KEY}"}).json()
    assert reindex["state"] == "idle"


def test_with_an_api_key_the_page_asks_for_it_once_and_answers(
    browser: Browser, private_settings: Settings
) -> None:
    settings = private_settings.model_copy(update={"api_key": "page-key"})
    with running(create_app(settings), ready_path="/readyz") as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=url, locale="zh-CN")
        page = context.new_page()
        prompts: list[str] = []

        def answer_prompt(dialog: Dialog) -> None:
            prompts.append(dialog.message)
            dialog.accept("page-key")

        page.on("dialog", answer_prompt)
        page.goto("/")
        ask(page, "人才公寓计划建设多少平方米？")
        expect(page.locator(".message.assistant").last).to_contain_text("100万平方米")
        ask(page, "德清县的发展定位是什么？")
        expect(page.locator(".message.assistant").last).to_contain_text("德清")
        assert len(prompts) == 1 and "访问密钥" in prompts[0]  # kept for the session
        context.close()
