"""The offline dependency audit (deploy/audit.py): requirements.lock against deploy/advisories.json.

The real lock passes against the committed snapshot; a lock with a known-vulnerable pin fails naming the
advisory and its fix; the version ranges hold at their edges; a refresh from OSV documents (the format of
OSV's PyPI export and of the PyPA database) writes a snapshot the check then uses."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "deploy" / "audit.py"
LOCK = ROOT / "requirements.lock"
SNAPSHOT = ROOT / "deploy" / "advisories.json"


def load_audit() -> ModuleType:
    """deploy/audit.py is a script, not a package: load it by path."""
    spec = importlib.util.spec_from_file_location("deploy_audit", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


audit = load_audit()


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The script as CI runs it."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, check=False, timeout=60
    )


def lock_with(tmp_path: Path, name: str, version: str) -> Path:
    """A copy of the real lock with one pin changed (hash lines stay: the audit reads only the pins)."""
    lines = LOCK.read_text().splitlines(keepends=True)
    changed = [
        line.replace(line.split(" ")[0], f"{name}=={version}", 1) if line.startswith(f"{name}==") else line
        for line in lines
    ]
    assert changed != lines, f"{name} is not pinned in the real lock"
    path = tmp_path / "requirements.lock"
    path.write_text("".join(changed))
    return path


def test_the_real_lock_passes_the_committed_snapshot() -> None:
    done = run()
    assert done.returncode == 0, done.stdout + done.stderr
    pins = len(audit.read_lock(LOCK))
    assert f"{pins} pins in requirements.lock checked" in done.stdout and "none affects a pin" in done.stdout


def test_a_known_vulnerable_pin_fails_naming_the_advisory_and_its_fix(tmp_path: Path) -> None:
    done = run("--lock", lock_with(tmp_path, "jinja2", "3.1.2"))
    assert done.returncode == 1, done.stdout
    lines = [line for line in done.stdout.splitlines() if "jinja2==3.1.2" in line]
    xmlattr = next(line for line in lines if "PYSEC-2026-1473" in line)
    assert "GHSA-h5c8-rqwp-cp95" in xmlattr and "CVE-2024-22195" in xmlattr and "fixed in 3.1.3" in xmlattr
    assert any("GHSA-h75v-3vvj-5mfj" in line and "fixed in 3.1.4" in line for line in lines)
    assert "FAILED" in done.stdout


def test_the_snapshot_names_its_date_and_source_and_covers_every_pinned_package() -> None:
    data = json.loads(SNAPSHOT.read_text())
    assert data["snapshot_date"] and "pypa/advisory-database" in data["source"]
    snapshot = audit.read_snapshot(SNAPSHOT)  # every range parses as a PEP 440 version
    assert {pin.name for pin in audit.read_lock(LOCK)} <= snapshot.packages
    assert {advisory.package for advisory in snapshot.advisories} <= snapshot.packages


def snapshot_file(tmp_path: Path, advisories: list[dict[str, object]], packages: list[str]) -> Path:
    path = tmp_path / "advisories.json"
    body = {"snapshot_date": "2026-11-29", "source": "test", "packages": packages, "advisories": advisories}
    path.write_text(json.dumps(body))
    return path


def advisory(affected: list[dict[str, str]], **extra: str) -> dict[str, object]:
    return {"id": "PYSEC-TEST-1", "package": "Demo_Pkg", "summary": "a test", "affected": affected, **extra}


@pytest.mark.parametrize(
    ("affected", "version", "hit"),
    [
        ([{"introduced": "0", "fixed": "2.0"}], "1.9.9", True),
        ([{"introduced": "0", "fixed": "2.0"}], "2.0", False),  # the fixed release is not affected
        ([{"introduced": "0", "fixed": "2.0"}], "2.0rc1", True),  # a pre-release of the fix still is
        ([{"introduced": "1.5", "fixed": "2.0"}], "1.4", False),
        ([{"introduced": "1.5", "fixed": "2.0"}], "1.5", True),
        ([{"introduced": "1.0", "last_affected": "1.2"}], "1.2", True),
        ([{"introduced": "1.0", "last_affected": "1.2"}], "1.2.1", False),
        ([{"introduced": "3.0"}], "99", True),  # no fix yet
        ([{"introduced": "0", "fixed": "1.0"}, {"introduced": "2.0", "fixed": "2.1"}], "2.0.5", True),
        ([{"introduced": "0", "fixed": "1.0"}, {"introduced": "2.0", "fixed": "2.1"}], "1.5", False),
        ([], "1.0", False),  # an advisory with no affected range matches nothing
    ],
)
def test_ranges_at_their_edges(tmp_path: Path, affected: list[dict[str, str]], version: str, hit: bool) -> None:
    snapshot = audit.read_snapshot(snapshot_file(tmp_path, [advisory(affected)], ["demo-pkg"]))
    pin = audit.Pin(audit.canonicalize_name("demo.pkg"), audit.Version(version), 1)
    report = audit.audit([pin], snapshot)
    assert bool(report.findings) is hit
    assert not report.unchecked


def test_a_withdrawn_advisory_is_not_reported(tmp_path: Path) -> None:
    withdrawn = advisory([{"introduced": "0"}], withdrawn="2026-06-09")
    snapshot = audit.read_snapshot(snapshot_file(tmp_path, [withdrawn], ["demo-pkg"]))
    assert audit.audit([audit.Pin("demo-pkg", audit.Version("1.0"), 1)], snapshot).ok


def test_a_pinned_package_the_snapshot_never_looked_up_fails(tmp_path: Path) -> None:
    snapshot = snapshot_file(tmp_path, [], ["jinja2"])
    lock = tmp_path / "requirements.lock"
    lock.write_text("jinja2==3.1.6 \\\n    --hash=sha256:00\nnewcomer==1.0 ; python_version >= '3.11'\n")
    done = run("--lock", lock, "--advisories", snapshot)
    assert done.returncode == 1
    assert "newcomer==1.0 (line 3): no advisories were looked up for newcomer" in done.stdout


def test_an_unpinned_line_is_refused(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.lock"
    lock.write_text("jinja2>=3.1\n")
    done = run("--lock", lock)
    assert done.returncode == 2 and "jinja2 is not pinned to one version" in done.stderr


def osv(identifier: str, name: str, events: list[dict[str, str]], **extra: object) -> str:
    """One advisory in OSV's JSON form (the shape of OSV's PyPI export and of the PyPA database's YAML)."""
    body = {
        "id": identifier,
        "modified": "2026-12-01T10:00:00Z",
        "published": "2026-11-30T10:00:00Z",
        "summary": f"{identifier} summary",
        "affected": [
            {"package": {"ecosystem": "PyPI", "name": name}, "ranges": [{"type": "ECOSYSTEM", "events": events}]}
        ],
        **extra,
    }
    return json.dumps(body)


def test_refresh_from_osv_documents_writes_a_snapshot_the_check_uses(tmp_path: Path) -> None:
    source = tmp_path / "PyPI"
    source.mkdir()
    (source / "PYSEC-2026-9001.json").write_text(
        osv("PYSEC-2026-9001", "Jinja2", [{"introduced": "0"}, {"fixed": "3.1.7"}], aliases=["GHSA-test-aaaa-bbbb"])
    )
    (source / "GHSA-test-aaaa-bbbb.json").write_text(  # the same vulnerability under its GitHub id
        osv("GHSA-test-aaaa-bbbb", "jinja2", [{"introduced": "0"}, {"fixed": "3.1.7"}], aliases=["PYSEC-2026-9001"])
    )
    (source / "PYSEC-2026-9002.json").write_text(
        osv("PYSEC-2026-9002", "jinja2", [{"introduced": "0"}, {"fixed": "9"}], withdrawn="2026-12-02T00:00:00Z")
    )
    (source / "PYSEC-2026-9003.json").write_text(osv("PYSEC-2026-9003", "not-in-the-lock", [{"introduced": "0"}]))
    out = tmp_path / "advisories.json"
    done = run(
        "--lock", LOCK, "--advisories", out, "refresh", source, "--origin", "a test copy", "--date", "2026-12-03"
    )
    assert done.returncode == 0, done.stdout + done.stderr

    written = json.loads(out.read_text())
    assert written["snapshot_date"] == "2026-12-03" and written["source"] == "a test copy"
    assert {pin.name for pin in audit.read_lock(LOCK)} == set(written["packages"])
    by_id = {entry["id"]: entry for entry in written["advisories"]}
    assert set(by_id) == {"PYSEC-2026-9001", "PYSEC-2026-9002"}  # the GHSA twin merged, the stranger left out
    assert by_id["PYSEC-2026-9001"]["aliases"] == ["GHSA-test-aaaa-bbbb"]
    assert by_id["PYSEC-2026-9001"]["affected"] == [{"introduced": "0", "fixed": "3.1.7"}]

    failing = run("--lock", LOCK, "--advisories", out)  # the real lock pins jinja2 3.1.6
    assert failing.returncode == 1
    assert (
        "jinja2==3.1.6" in failing.stdout and "PYSEC-2026-9001" in failing.stdout and "fixed in 3.1.7" in failing.stdout
    )
    assert "PYSEC-2026-9002" not in failing.stdout  # withdrawn
