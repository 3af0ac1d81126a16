"""The chat UI in real headless Chromium (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from api.app import create_app
from assistant.answer import Answerer
from assistant.settings import PROJECT_ROOT, Settings

from .conftest import DOC_ID
from .servers import running

pytestmark = pytest.mark.slow

SCREENSHOTS = PROJECT_ROOT / "screenshots"


@pytest.fixture(scope="module")
def base_url(index_settings: Settings, answerer: Answerer) -> Iterator[str]:
    with running(create_app(index_settings, answerer)) as url:
        yield url


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    opened = context.new_page()
    yield opened
    context.close()


def ask(page: Page, question: str) -> None:
    count = page.locator(".message.assistant").count()
    page.get_by_label("输入问题").fill(question)
    page.get_by_label("输入问题").press("Enter")
    expect(page.locator(".message.assistant")).to_have_count(count + 1, timeout=30000)


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_ask_and_open_the_cited_clause(page: Page) -> None:
    page.goto("/")
    expect(page.locator(".starter").first).to_be_visible()
    ask(page, "人才公寓计划建设多少平方米？")
    expect(page.locator(".starter").first).to_be_hidden()
    answer = page.locator(".message.assistant").last
    expect(answer).to_contain_text("100万平方米")
    chip = answer.get_by_role("button", name="查看条款 二、（三）3. 建设上海人才高地战略支点城市")
    expect(chip).to_have_text("二（三）3")
    chip.click()
    panel = page.get_by_role("complementary", name="条款原文")
    expect(panel).to_be_visible()
    expect(panel.locator(".breadcrumb")).to_have_text(
        "二、重点任务 › （三）构建开放创新生态，助力打造势能更强的活力新湖州 › 3. 建设上海人才高地战略支点城市"
    )
    expect(panel.locator("mark")).to_contain_text("100万平方米人才公寓")
    assert page.url.endswith(f"#/doc/{DOC_ID}/%E4%BA%8C/%E4%B8%89/3")
    screenshot(page, "desktop-answer-and-clause.png")


def test_table_row_panel_shows_the_lead_unit(page: Page) -> None:
    page.goto("/")
    ask(page, "长三角未来食品产业园项目由哪个单位牵头？")
    page.locator(".message.assistant .chip").first.click()
    expect(page.locator("#panel-lead")).to_have_text("牵头单位：南浔区")


def test_follow_up_and_new_conversation(page: Page) -> None:
    page.goto("/")
    ask(page, "德清县的发展定位是什么？")
    with page.expect_request("**/api/ask") as sent:
        ask(page, "那长兴县呢？")
    assert [turn["role"] for turn in sent.value.post_data_json["history"]] == ["user", "assistant"]
    expect(page.locator(".message.assistant").last).to_contain_text("长兴县壮大新能源汽车")
    page.get_by_role("button", name="新对话").click()
    expect(page.locator(".message")).to_have_count(0)
    expect(page.locator(".starter").first).to_be_visible()
    with page.expect_request("**/api/ask") as sent:
        ask(page, "人才公寓计划建设多少平方米？")
    assert sent.value.post_data_json["history"] == []


def test_shift_enter_makes_a_new_line(page: Page) -> None:
    page.goto("/")
    box = page.get_by_label("输入问题")
    box.fill("第一行")
    box.press("Shift+Enter")
    box.type("第二行")
    assert box.input_value() == "第一行\n第二行"
    expect(page.locator(".message")).to_have_count(0)


def test_deep_link_opens_a_clause(page: Page) -> None:
    page.goto(f"/#/doc/{DOC_ID}/清单/三/2")
    expect(page.locator("#panel-title")).to_have_text(
        "重大事项清单 三、重大工程项目 2. 湖州市低空经济高质量发展项目"
    )
    expect(page.locator("#panel-lead")).to_have_text("牵头单位：市交通运输局、吴兴区、德清县")


def test_out_of_scope_question_looks_abstained(page: Page) -> None:
    page.goto("/")
    ask(page, "今天天气怎么样？")
    answer = page.locator(".message.assistant").last
    expect(answer).to_have_class("message assistant abstained")
    expect(answer.locator(".badge")).to_have_text("文件未涉及")
    expect(answer).to_contain_text("可能相关的条款")
    assert 1 <= answer.locator(".chip").count() <= 3
    screenshot(page, "desktop-abstained.png")


def test_copy_answer_with_citations(page: Page) -> None:
    page.goto("/")
    ask(page, "人才公寓计划建设多少平方米？")
    page.get_by_role("button", name="复制回答").click()
    expect(page.locator("#status")).to_have_text("已复制回答及出处。")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "100万平方米" in copied
    assert "参考条款：\n［二（三）3］ 二、（三）3. 建设上海人才高地战略支点城市" in copied


def test_document_browser_tree(page: Page) -> None:
    page.goto("/")
    page.get_by_role("button", name="浏览文件").click()
    expect(page.locator("#chat-view")).to_be_hidden()
    expect(page.locator("#toc summary").first).to_have_text("二、重点任务")
    page.get_by_role("button", name="3. 建设上海人才高地战略支点城市").click()
    expect(page.locator("#panel-title")).to_have_text("二、（三）3. 建设上海人才高地战略支点城市")
    screenshot(page, "desktop-browser.png")


def test_errors_are_shown_in_chinese(page: Page) -> None:
    page.goto("/")
    ask(page, "问" * 1001)
    expect(page.locator(".message.error").last).to_contain_text("问题过长")
    page.route("**/api/ask", lambda route: route.abort())
    ask(page, "人才公寓")
    expect(page.locator("#status")).to_have_text("无法连接服务器，请检查网络或稍后再试。")


def test_phone_width_has_no_horizontal_scroll(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, base_url=base_url, locale="zh-CN")
    page = context.new_page()
    page.goto("/")
    ask(page, "南浔区牵头的重大工程项目有哪些？")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "phone-375-answer.png")
    page.locator(".message.assistant .chip").first.click()
    expect(page.locator("#panel")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "phone-375-clause.png")
    page.get_by_role("button", name="关闭条款").click()
    expect(page.locator("#panel")).to_be_hidden()
    context.close()


def test_focus_is_visible(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_policy_fit_tab(page: Page) -> None:
    page.goto("/")
    page.get_by_role("button", name="政策匹配").click()
    page.get_by_label("企业描述（做什么、在哪里、需要什么）").fill(
        "我们是南浔区的一家半导体材料企业，主要生产光刻胶"
    )
    page.get_by_role("button", name="查找相关条款").click()
    group = page.locator(".fit-group").first
    expect(group.locator("h3")).to_have_text("半导体及光电", timeout=30000)
    first = group.locator(".fit-match").first
    expect(first.locator(".level")).to_have_text("高")
    expect(first).to_contain_text("牵头单位：南浔区")
    expect(first).to_contain_text("匹配原因：南浔区")
    first.locator(".chip").click()
    expect(page.locator("#panel-title")).to_have_text(
        "重大事项清单 三、重大工程项目 6. 长三角泛半导体新材料产业园项目"
    )
    screenshot(page, "desktop-fit.png")


def test_policy_fit_empty_and_phone_width(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, base_url=base_url, locale="zh-CN")
    page = context.new_page()
    page.goto("/")
    page.get_by_role("button", name="政策匹配").click()
    page.get_by_role("button", name="查找相关条款").click()
    expect(page.locator("#fit-status")).to_have_text("请先描述您的企业。")
    page.get_by_label("企业描述（做什么、在哪里、需要什么）").fill("做预制菜的食品企业")
    page.get_by_role("button", name="查找相关条款").click()
    expect(page.locator(".fit-match").first).to_contain_text("长三角未来食品产业园项目", timeout=30000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "phone-375-fit.png")
    context.close()


def test_api_docs_render_with_no_network(page: Page, base_url: str) -> None:
    """Swagger UI and ReDoc from the app's own assets: an intranet has no CDN."""
    outside: list[str] = []

    def local_only(route: Route) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", local_only)
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("policyqa", timeout=20000)
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    screenshot(page, "docs-offline.png")
    page.goto("/redoc")
    expect(page.locator("h1").first).to_contain_text("policyqa", timeout=20000)
    # nothing from outside, not even ReDoc's "by Redocly" badge: the page's CSP allows only itself
    assert outside == [], outside
