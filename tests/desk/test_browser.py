"""The booking loop end to end, in a real browser: a person asks for an appointment in `reflexbot chat
--jsonl`; a staff member logs in to the desk of a running `reflexbot serve` in headless Chromium (Debian's
chromium and chromium-driver, driven by Selenium), finds the request, confirms a time; the person's chat
shows the confirmation with its calendar file; their "confirm" shows on the desk. Both processes share
one SQLite file, as a clinic's single-machine set-up would. Screenshots go to tests/artifacts/ (ignored
by git; the README shows two of them)."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.prod.cluster import ROOT, free_port, wait_for

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
ARTIFACTS = ROOT / "tests" / "artifacts"
DUBAI = ZoneInfo("Asia/Dubai")
STAFF, PASSWORD = "amira", "a long desk password 7"

if not (CHROMIUM and CHROMEDRIVER):
    WHY = "needs Debian's chromium and chromium-driver (.ci/run installs them with apt-get)"
    if os.environ.get("CI"):
        raise RuntimeError(f"the browser test {WHY}")
    pytest.skip(WHY, allow_module_level=True)

from selenium import webdriver  # noqa: E402 (only where a browser exists)
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

pytestmark = pytest.mark.slow


class Chat:
    """`reflexbot chat --jsonl` kept running: one line in, the messages up to its idle marker out."""

    def __init__(self, env: dict[str, str], db: Path) -> None:
        command = [sys.executable, "-m", "bot", "chat", "--jsonl", "--db", str(db), "--user", "sara"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def say(self, line: str | dict[str, Any]) -> list[dict[str, Any]]:
        """Send one input line; the bot's messages it led to."""
        assert self.process.stdin is not None
        self.process.stdin.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
        self.process.stdin.flush()
        messages = []
        while not (shown := json.loads(self.lines.get(timeout=120))).get("idle"):
            messages.append(shown)
        return messages

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        code = self.process.wait(timeout=60)
        self.reader.join(timeout=10)
        self.process.stdout.close()
        assert code == 0


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """One configuration for the chat, the server and the account command: the desk on, one SQLite file."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_", "REFLEXBOT_"))}
    return clean | {
        "REFLEXBOT_STORAGE_URL": f"sqlite:///{tmp_path / 'clinic.sqlite3'}",
        "REFLEXBOT_DESK_ENABLED": "true",
        "REFLEXBOT_DESK_SECRET": "browser-test-" + "s" * 40,
        "REFLEXBOT_LOG_LEVEL": "WARNING",
        "REFLEXBOT_DESK_POLL_SECONDS": "1",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }


@pytest.fixture
def server(env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """`reflexbot serve` with the desk, on a free port; its base URL."""
    port = free_port()
    env["REFLEXBOT_SERVER_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        assert "Traceback" not in (tmp_path / "serve.log").read_text()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    """Headless Chromium at a desktop size."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",  # as root in CI
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",  # this machine's network is closed: no calls home
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path / 'chromium'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(10)
    try:
        yield driver
    finally:
        driver.quit()


def shoot(browser: WebDriver, name: str, width: int = 1280) -> Path:
    """A screenshot of the whole page at `width` pixels (390: a phone) under tests/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, max(600, int(height) + 140))
    path = ARTIFACTS / f"{name}.png"
    assert browser.save_screenshot(str(path))
    browser.set_window_size(1280, 900)
    return path


def type_date(browser: WebDriver, when: datetime) -> None:
    """Type a date as a person does, in the order the browser's locale shows (month first in en-US)."""
    field = browser.find_element(By.ID, "date")
    for order in ("%m%d%Y", "%d%m%Y", "%Y%m%d"):
        field.send_keys(when.strftime(order))
        if field.get_property("value") == when.date().isoformat():
            return
        field.clear()
    raise AssertionError(f"the date field took none of the usual orders: {field.get_property('value')}")


def test_a_request_from_the_chat_is_confirmed_on_the_desk_and_the_person_gets_the_time(
    env: dict[str, str], server: str, browser: WebDriver, tmp_path: Path
) -> None:
    made = subprocess.run(
        [sys.executable, "-m", "bot", "desk", "add-user", STAFF, "--role", "staff", "--branch", "dhcc"],
        cwd=ROOT,
        env=env,
        input=f"{PASSWORD}\n{PASSWORD}\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr

    chat = Chat(env, tmp_path / "clinic.sqlite3")
    try:
        chat.say("I feel bloated")
        for line in ("book an appointment", {"choice": "branch:dhcc"}, "Tuesday evening", "Sara Ahmed"):
            chat.say(line)
        chat.say("+971 50 123 4567")
        (saved,) = chat.say({"choice": "consent:yes"})
        ref = next(word for word in saved["text"].split() if word.startswith("RB-"))

        browser.get(f"{server}/desk")
        assert "/desk/login" in browser.current_url, "the desk asks who you are first"
        browser.find_element(By.ID, "name").send_keys(STAFF)
        browser.find_element(By.ID, "password").send_keys("wrong password")
        browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
        assert browser.find_element(By.CSS_SELECTOR, "p.error").text == "Wrong name or password."
        shoot(browser, "desk-login", width=390)
        browser.find_element(By.ID, "name").clear()
        browser.find_element(By.ID, "name").send_keys(STAFF)
        browser.find_element(By.ID, "password").send_keys(PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()

        listed = browser.find_element(By.CSS_SELECTOR, "ul.requests").text
        assert ref in listed and "Sara Ahmed" in listed and "New" in listed, listed
        shoot(browser, "desk-requests")
        browser.find_element(By.PARTIAL_LINK_TEXT, ref).click()
        assert "bloat" in browser.find_element(By.CSS_SELECTOR, "p.summary").text.lower()

        when = (datetime.now(DUBAI) + timedelta(days=2)).replace(hour=16, minute=30, second=0, microsecond=0)
        type_date(browser, when)
        browser.find_element(By.ID, "time").send_keys("1630")
        Select(browser.find_element(By.ID, "appointment-branch")).select_by_value("dhcc")
        shoot(browser, "desk-request-new")
        browser.find_element(By.CSS_SELECTOR, "form.appointment-form button[type=submit]").click()
        assert when.strftime("%Y-%m-%d 16:30") in browser.find_element(By.CSS_SELECTOR, "dd.appointment").text
        assert "Confirmed" in browser.find_element(By.CSS_SELECTOR, "h1 .status").text

        (told,) = chat.say({"wait": 5})  # the chat's next look at its outbox
        assert ref in told["text"] and "16:30" in told["text"], told["text"]
        (event,) = Calendar.from_ical(Path(told["document"]).read_bytes()).walk("VEVENT")
        assert event.decoded("dtstart") == when
        assert "Dubai Healthcare City" in str(event.get("location")), event.get("location")
        confirm = next(c for c in told["choices"] if c["id"].endswith(":confirm"))
        (thanks,) = chat.say({"choice": confirm["id"]})
        assert "16:30" in thanks["text"], thanks["text"]

        # no reload by hand: the open page follows its request (desk.js) and shows the answer by itself
        WebDriverWait(browser, 30).until(
            lambda b: "confirm" in b.find_element(By.CSS_SELECTOR, "dd.answer").text.lower()
        )
        history = browser.find_element(By.TAG_NAME, "main").text
        assert STAFF in history, "the audit names who confirmed"
        shoot(browser, "desk-request-confirmed")
        shoot(browser, "desk-request-confirmed-phone", width=390)

        # a staff member typing is never reloaded away: they are told instead
        browser.find_element(By.ID, "note").send_keys("Called her, she will come")
        another = next(c for c in told["choices"] if c["id"].endswith(":another-time"))
        chat.say({"choice": another["id"]})
        WebDriverWait(browser, 30).until(lambda b: b.find_element(By.ID, "changed").is_displayed())
        assert browser.find_element(By.ID, "note").get_property("value") == "Called her, she will come"
        shoot(browser, "desk-request-changed-while-typing")
    finally:
        chat.close()
