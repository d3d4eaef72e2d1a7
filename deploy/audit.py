"""Audit requirements.lock against a committed snapshot of Python security advisories, offline.

    python deploy/audit.py [--lock FILE] [--advisories FILE]
    python deploy/audit.py refresh SOURCE [--lock FILE] [--advisories FILE] [--origin TEXT] [--date YYYY-MM-DD]

The check reads every pin of the lock (`name==version`, whatever its environment marker: the lock is
universal, any pin may be installed somewhere) and fails, naming the package, the version, the advisory and
its fixed version, when a pinned version lies in an advisory's affected ranges. It also fails for a pinned
package the snapshot never looked up, so a new dependency cannot slip past the audit unchecked.

`refresh` rebuilds the snapshot, when online, from a copy of the advisories: a checkout of
github.com/pypa/advisory-database (`vulns/<package>/*.yaml`, needs PyYAML) or OSV's PyPI export
(https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip, JSON, as a .zip or unpacked folder).

A development tool (needs `packaging`, one of the dev dependencies); `python3 dev.py audit` runs it, and
`python3 dev.py test` (CI) runs it before the tests.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
ADVISORIES = ROOT / "deploy" / "advisories.json"


class AuditError(Exception):
    """A lock or snapshot the audit cannot read (exit code 2)."""


@dataclass(frozen=True, slots=True)
class Pin:
    """One `name==version` line of the lock."""

    name: NormalizedName
    version: Version
    line: int


@dataclass(frozen=True, slots=True)
class Range:
    """Affected versions: from `introduced` (None: from the first release) up to, not including, `fixed`,
    or up to and including `last_affected`; with neither, every later version is affected (no fix yet)."""

    introduced: Version | None
    fixed: Version | None = None
    last_affected: Version | None = None

    def contains(self, version: Version) -> bool:
        """Whether `version` is affected."""
        if self.introduced is not None and version < self.introduced:
            return False
        if self.fixed is not None and version >= self.fixed:
            return False
        return self.last_affected is None or version <= self.last_affected

    def fix(self) -> str:
        """The version that fixes it, in words."""
        if self.fixed is not None:
            return f"fixed in {self.fixed}"
        if self.last_affected is not None:
            return f"no fixed version named (last affected {self.last_affected})"
        return "no fixed version yet"


@dataclass(frozen=True, slots=True)
class Advisory:
    """One advisory for one package."""

    id: str
    package: NormalizedName
    aliases: tuple[str, ...]
    summary: str
    ranges: tuple[Range, ...]
    withdrawn: str | None = None

    def affecting(self, version: Version) -> Range | None:
        """The range that holds `version`, if the advisory stands and one does."""
        if self.withdrawn:
            return None
        return next((r for r in self.ranges if r.contains(version)), None)


@dataclass(frozen=True, slots=True)
class Finding:
    """A pin inside an advisory's affected range."""

    pin: Pin
    advisory: Advisory
    range: Range

    def __str__(self) -> str:
        aliases = f" ({', '.join(self.advisory.aliases)})" if self.advisory.aliases else ""
        return (
            f"{self.pin.name}=={self.pin.version} (line {self.pin.line}): {self.advisory.id}{aliases}, "
            f"{self.range.fix()}: {self.advisory.summary}"
        )


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The committed advisories and what they cover."""

    date: str
    source: str
    packages: frozenset[NormalizedName]
    advisories: tuple[Advisory, ...]
    not_transcribed: int


@dataclass(frozen=True, slots=True)
class Report:
    """What the audit found."""

    pins: tuple[Pin, ...]
    findings: tuple[Finding, ...]
    unchecked: tuple[Pin, ...]

    @property
    def ok(self) -> bool:
        """No pin affected, every pin looked up."""
        return not self.findings and not self.unchecked


def read_lock(path: Path) -> tuple[Pin, ...]:
    """Every pin of a pip requirements file made by `uv pip compile` (hash lines and comments skipped)."""
    pins = []
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        if not raw.strip() or raw[0] in " \t#-":  # continuation (--hash), comment, option
            continue
        text = raw.rstrip().removesuffix("\\").strip()
        try:
            requirement = Requirement(text)
        except InvalidRequirement as error:
            raise AuditError(f"{path}:{number}: not a requirement: {text!r} ({error})") from error
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator not in ("==", "===") or "*" in specifiers[0].version:
            raise AuditError(f"{path}:{number}: {requirement.name} is not pinned to one version: {text!r}")
        try:
            version = Version(specifiers[0].version)
        except InvalidVersion as error:
            raise AuditError(f"{path}:{number}: {requirement.name}: {error}") from error
        pins.append(Pin(canonicalize_name(requirement.name), version, number))
    if not pins:
        raise AuditError(f"{path}: no pins found")
    return tuple(pins)


def _version(text: str | None, where: str) -> Version | None:
    if text is None or text == "0":
        return None
    try:
        return Version(text)
    except InvalidVersion as error:
        raise AuditError(f"{where}: {error}") from error


def read_snapshot(path: Path) -> Snapshot:
    """The advisories file (see deploy/advisories.json)."""
    try:
        data = json.loads(path.read_text())
        advisories = []
        for entry in data["advisories"]:
            where = f"{path}: {entry['id']}"
            ranges = tuple(
                Range(
                    _version(r.get("introduced"), where),
                    _version(r.get("fixed"), where),
                    _version(r.get("last_affected"), where),
                )
                for r in entry["affected"]
            )
            advisories.append(
                Advisory(
                    id=entry["id"],
                    package=canonicalize_name(entry["package"]),
                    aliases=tuple(entry.get("aliases", ())),
                    summary=entry.get("summary", ""),
                    ranges=ranges,
                    withdrawn=entry.get("withdrawn"),
                )
            )
        return Snapshot(
            date=data["snapshot_date"],
            source=data["source"],
            packages=frozenset(canonicalize_name(name) for name in data["packages"]),
            advisories=tuple(advisories),
            not_transcribed=sum(len(ids) for ids in data.get("not_transcribed", {}).values()),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AuditError(f"{path}: cannot read the advisories: {error!r}") from error


def audit(pins: Iterable[Pin], snapshot: Snapshot) -> Report:
    """Match every pin against the advisories of its package."""
    pins = tuple(pins)
    by_package: dict[str, list[Advisory]] = {}
    for advisory in snapshot.advisories:
        by_package.setdefault(advisory.package, []).append(advisory)
    findings = []
    for pin in pins:
        for advisory in by_package.get(pin.name, ()):
            if (hit := advisory.affecting(pin.version)) is not None:
                findings.append(Finding(pin, advisory, hit))
    unchecked = tuple(pin for pin in pins if pin.name not in snapshot.packages)
    return Report(pins, tuple(findings), unchecked)


def check(lock: Path, advisories: Path) -> int:
    """Run the audit and say what it found; the exit code."""
    snapshot = read_snapshot(advisories)
    report = audit(read_lock(lock), snapshot)
    name = lock.name
    for finding in report.findings:
        print(f"audit: {name}: {finding}")
    for pin in report.unchecked:
        print(
            f"audit: {name}: {pin.name}=={pin.version} (line {pin.line}): no advisories were looked up for "
            f"{pin.name}; refresh {advisories.name} (README, 'Dependency audit')"
        )
    if not report.ok:
        print(f"audit: FAILED ({len(report.findings)} affected, {len(report.unchecked)} not looked up)")
        return 1
    print(
        f"audit: {len(report.pins)} pins in {name} checked against {len(snapshot.advisories)} advisories "
        f"({advisories.name}, snapshot of {snapshot.date}): none affects a pin"
    )
    if snapshot.not_transcribed:
        print(
            f"audit: note: {snapshot.not_transcribed} entries of the source were listed but not transcribed "
            "(see not_transcribed in the file); a refresh with network covers them"
        )
    return 0


# --- refresh ---------------------------------------------------------------------------------------------


def _documents(source: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of every advisory file in a folder or a .zip."""
    if source.is_file() and source.suffix == ".zip":
        with zipfile.ZipFile(source) as archive:
            for member in sorted(archive.namelist()):
                if member.endswith((".json", ".yaml", ".yml")):
                    yield member, archive.read(member).decode()
        return
    if not source.is_dir():
        raise AuditError(f"{source}: neither a folder nor a .zip of advisories")
    for path in sorted(source.rglob("*")):
        if path.suffix in (".json", ".yaml", ".yml") and path.is_file():
            yield str(path.relative_to(source)), path.read_text()


def _parse(name: str, text: str) -> dict[str, Any] | None:
    if name.endswith(".json"):
        parsed = json.loads(text)
    else:
        try:
            import yaml  # type: ignore[import-untyped]  # only the PyPA checkout needs it
        except ImportError as error:
            raise AuditError("reading the PyPA checkout's YAML needs PyYAML: .venv/bin/pip install pyyaml") from error
        parsed = yaml.safe_load(text)
    return parsed if isinstance(parsed, dict) and "id" in parsed else None


def _ranges(affected: dict[str, Any]) -> list[dict[str, str]]:
    """OSV `ranges` (ECOSYSTEM) and `versions` as introduced / fixed / last_affected triples."""
    out: list[dict[str, str]] = []
    for osv_range in affected.get("ranges") or ():
        if osv_range.get("type") != "ECOSYSTEM":
            continue
        current: dict[str, str] | None = None
        for event in osv_range.get("events") or ():
            if "introduced" in event:
                if current is not None:
                    out.append(current)
                current = {"introduced": str(event["introduced"])}
            elif current is not None and ("fixed" in event or "last_affected" in event):
                key = "fixed" if "fixed" in event else "last_affected"
                out.append({**current, key: str(event[key])})
                current = None
        if current is not None:
            out.append(current)
    if not out:  # only an explicit list of versions
        out = [{"introduced": str(v), "last_affected": str(v)} for v in affected.get("versions") or ()]
    return out


def _valid(ranges: list[dict[str, str]]) -> bool:
    try:
        for r in ranges:
            for value in r.values():
                _version(value, "")
    except AuditError:
        return False
    return True


def refresh(source: Path, lock: Path, out: Path, description: str, date: str) -> int:
    """Write a new snapshot for the lock's packages from a copy of the advisories."""
    wanted = {pin.name for pin in read_lock(lock)}
    found: dict[tuple[str, str], dict[str, Any]] = {}
    skipped = []
    for name, text in _documents(source):
        document = _parse(name, text)
        if document is None:
            continue
        for affected in document.get("affected") or ():
            package = affected.get("package") or {}
            if package.get("ecosystem") != "PyPI" or canonicalize_name(package.get("name", "")) not in wanted:
                continue
            ranges = _ranges(affected)
            if not _valid(ranges):
                skipped.append(document["id"])
                continue
            key = (canonicalize_name(package["name"]), document["id"])
            entry = found.setdefault(
                key,
                {
                    "id": document["id"],
                    "package": key[0],
                    "aliases": sorted(document.get("aliases") or ()),
                    "summary": document.get("summary") or (document.get("details") or "").split(". ")[0][:200],
                    "published": str(document.get("published", ""))[:10],
                    "modified": str(document.get("modified", ""))[:10],
                    "affected": [],
                    "origin": name,
                },
            )
            if document.get("withdrawn"):
                entry["withdrawn"] = str(document["withdrawn"])[:10]
            entry["affected"].extend(ranges)
    advisories = _merge_aliases(found.values())
    snapshot = {
        "about": "Security advisories for the Python packages pinned in requirements.lock, read by "
        "deploy/audit.py (python3 dev.py audit).",
        "source": description,
        "snapshot_date": date,
        "newest_entry": max((a["modified"] for a in advisories), default=""),
        "packages": sorted(wanted),
        "advisories": advisories,
    }
    out.write_text(json.dumps(snapshot, indent=1, ensure_ascii=False) + "\n")
    print(f"refresh: {len(advisories)} advisories for {len(wanted)} packages written to {out}")
    for advisory_id in skipped:
        print(f"refresh: skipped {advisory_id}: a range that is not a PEP 440 version")
    return 0


def _merge_aliases(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per vulnerability and package: the PYSEC and GHSA copies of one advisory share an alias."""
    merged: list[dict[str, Any]] = []
    ordered = sorted(entries, key=lambda e: (e["package"], not e["id"].startswith("PYSEC-"), e["id"]))
    for entry in ordered:
        names = {entry["id"], *entry["aliases"]}
        twin = next((m for m in merged if m["package"] == entry["package"] and names & {m["id"], *m["aliases"]}), None)
        if twin is None:
            merged.append(entry)
        else:
            twin["aliases"] = sorted(({*twin["aliases"], *names}) - {twin["id"]})
    return sorted(merged, key=lambda e: (e["package"], e["id"]))


def main(argv: list[str]) -> int:
    """Parse the command line; check (default) or refresh."""
    parser = argparse.ArgumentParser(prog="deploy/audit.py", description=__doc__.splitlines()[0])
    parser.add_argument("--lock", type=Path, default=LOCK)
    parser.add_argument("--advisories", type=Path, default=ADVISORIES)
    commands = parser.add_subparsers(dest="command")
    again = commands.add_parser("refresh", help="rebuild the snapshot from a copy of the advisories")
    again.add_argument("source", type=Path, help="PyPA advisory-database checkout, or OSV PyPI all.zip (or folder)")
    again.add_argument("--origin", dest="description", help="where the copy came from, for the file")
    again.add_argument("--date", default=datetime.datetime.now(datetime.UTC).date().isoformat())
    args = parser.parse_args(argv)
    try:
        if args.command == "refresh":
            description = args.description or f"{args.source.name}, a copy of the PyPA advisory database / OSV PyPI"
            return refresh(args.source, args.lock, args.advisories, description, args.date)
        return check(args.lock, args.advisories)
    except AuditError as error:
        print(f"audit: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
