"""validate(), diff(), next_runs(), effective_packages() against the golden corpora."""

import gzip
import re
from datetime import datetime

import pytest

import ndi_toolkit
from ndi_toolkit import NdiFormatError

from conftest import CORPORA, DEMO

FINDING = re.compile(
    r"^(?P<severity>error|warning) (?P<rule>[a-z0-9-]+) (?P<line>\d+):(?P<column>\d+) "
    r"(?P<path>\S+): (?P<message>.*)$"
)


def test_validate_a_valid_document_finds_nothing():
    for path in [DEMO / "SYSTEM on WKS7276548.ndi.gz", DEMO / "PC-0042-5f3a.npl"]:
        assert ndi_toolkit.validate(path) == []
        assert ndi_toolkit.validate(path.read_bytes()) == []


def test_validate_reports_characters_xml_forbids_with_positions():
    findings = ndi_toolkit.validate(DEMO / "SYSTEM on PC-CTRL.ndi")
    assert findings
    first = findings[0]
    assert first["severity"] == "error" and first["rule"] == "xml-illegal-char"
    assert first["line"] > 0 and first["column"] > 0 and first["offset"] > 0
    assert first["element_path"].startswith("/Inventory/")
    assert first["path"] == str(DEMO / "SYSTEM on PC-CTRL.ndi")


def golden(kind):
    for expected in sorted((CORPORA / kind / "invalid").glob("*.expected")):
        document = expected.with_suffix("." + kind)
        lines = expected.read_text().strip().splitlines()
        yield pytest.param(document, lines, id=document.name)


@pytest.mark.parametrize("document,lines", [*golden("nds"), *golden("npl")])
def test_validate_schedules_and_policies_as_the_golden_files_say(document, lines):
    findings = ndi_toolkit.validate(document)
    got = {(f["severity"], f["rule"], f["line"], f["column"], f["element_path"]) for f in findings}
    for line in lines:
        m = FINDING.match(line)
        assert m, line
        # The golden files are the policy/schedule validators' own; validate() detects the
        # format by content, as `ndi-tool validate` does, so a root of no known format is
        # `unknown-format` there, at the same place.
        rule = "unknown-format" if m["rule"] == "unexpected-root" else m["rule"]
        want = (m["severity"], rule, int(m["line"]), int(m["column"]), m["path"])
        assert want in got, (want, findings)


def test_validate_a_file_that_is_no_document(tmp_path):
    findings = ndi_toolkit.validate(tmp_path)
    assert [f["rule"] for f in findings] == ["not-a-file"]
    with pytest.raises(FileNotFoundError):
        ndi_toolkit.validate(tmp_path / "missing.ndi")
    truncated = (CORPORA / "ndi" / "invalid" / "truncated.ndi").read_bytes()
    findings = ndi_toolkit.validate(truncated)
    assert [(f["rule"], f["line"], f["column"], f["offset"]) for f in findings] == [
        ("xml-syntax", 35, 5, 1432)
    ]


def test_diff_finds_a_changed_version_regardless_of_layout_and_compression():
    old = b"""<Inventory MachineName="pc1"><Software>
      <Installer Type="MSI" Name="7-Zip" Publisher="Igor Pavlov" Version="22.01"/>
      <Installer Type="MSI" Name="Git" Publisher="Git" Version="2.40"/>
    </Software></Inventory>"""
    new = gzip.compress(b"""<Inventory MachineName="pc1"><Software>
      <Installer Version="23.01" Publisher="Igor Pavlov" Name="7-Zip" Type="MSI"/>
    </Software></Inventory>""")
    changes = ndi_toolkit.diff(old, new)
    kinds = sorted((c["kind"], c["section"]) for c in changes)
    assert kinds == [("changed", "installers"), ("removed", "installers")]
    changed = next(c for c in changes if c["kind"] == "changed")
    assert changed["changed_attributes"] == ["Version"]
    assert changed["old"]["Version"] == "22.01" and changed["new"]["Version"] == "23.01"
    assert ndi_toolkit.diff(old, old) == []
    path = DEMO / "SYSTEM on WKS7276548.ndi.gz"
    assert ndi_toolkit.diff(path, gzip.decompress(path.read_bytes())) == []


def test_diff_of_an_unreadable_document_raises_with_its_position():
    with pytest.raises(NdiFormatError) as raised:
        ndi_toolkit.diff(DEMO / "SYSTEM on PC-CTRL.ndi", CORPORA / "ndi" / "invalid" / "truncated.ndi")
    assert raised.value.rule == "xml-syntax"
    assert (raised.value.line, raised.value.column) == (35, 5)
    assert raised.value.path.endswith("truncated.ndi")


def test_next_runs_are_reproducible_and_in_local_time():
    nds = DEMO / "Default Machine Schedule.nds"
    runs = ndi_toolkit.next_runs(nds, "Europe/Berlin", 5, seed=7, start="2025-03-30T00:00:00")
    again = ndi_toolkit.next_runs(nds.read_bytes(), "Europe/Berlin", 5, seed=7,
                                  start=datetime(2025, 3, 30))
    assert runs == again
    timed = [r for r in runs if r["start"] is not None]
    assert len(timed) == 5
    starts = [r["start"] for r in timed]
    assert starts == sorted(starts) and starts[0] >= "2025-03-30T00:00:00"
    for r in timed:
        local = datetime.fromisoformat(r["start"])
        assert r["nominal"] <= r["start"]
        # Berlin is UTC+1 before 02:00 on 30 March 2025 and UTC+2 after.
        offset = 1 if local < datetime(2025, 3, 30, 2) else 2
        utc = datetime.fromisoformat(r["start_utc"].rstrip("Z"))
        assert (local - utc).total_seconds() == offset * 3600, r
    other_seed = ndi_toolkit.next_runs(nds, "Europe/Berlin", 5, seed=8, start="2025-03-30T00:00:00")
    assert [r["delay_s"] for r in other_seed] != [r["delay_s"] for r in runs]
    with pytest.raises(ValueError):
        ndi_toolkit.next_runs(nds, "Mars/Olympus", 1)


def test_next_runs_refuses_a_schedule_whose_runs_would_be_wrong():
    bad = CORPORA / "nds" / "invalid" / "timestart-out-of-range.nds"
    with pytest.raises(NdiFormatError) as raised:
        ndi_toolkit.next_runs(bad, "UTC", 3)
    e = raised.value
    assert (e.rule, e.line, e.column) == ("nds-timestart", 5, 14)
    assert e.element_path == "/Schedule/Event[1]/Trigger[1]"
    assert e.path == str(bad)


def test_effective_packages_and_a_refused_policy():
    packages = ndi_toolkit.effective_packages(DEMO / "PC-0042-5f3a.npl")
    assert len(packages) == 5  # the demo's policy_packages rows are the effective ones
    assert all(p["href"] and p["candidates"] >= 1 for p in packages)
    loaded = ndi_toolkit.read(DEMO / "PC-0042-5f3a.npl")["policy_packages"]
    assert loaded.num_rows >= len(packages)
    with pytest.raises(NdiFormatError) as raised:
        ndi_toolkit.effective_packages(CORPORA / "npl" / "invalid" / "missing-guid.npl")
    assert (raised.value.rule, raised.value.line, raised.value.column) == ("npl-required", 3, 3)
