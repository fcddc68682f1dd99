"""The closing table of tests/run-all.sh, read from each runner's own report:
JUnit XML written by the JUnit Platform console (Kotlin) and by pytest
(Python), and the per-binary summary lines that Rust's test harness prints
(`test result: ok. N passed; M failed; K ignored; ...`), captured per suite.

Usage: python3 tests/summary.py target/reports
Exits 1 when a report is missing, a test failed, or a runner ran no test."""

import pathlib
import re
import sys
import xml.etree.ElementTree as ET

EXPECTED = {
    "Rust, x86_64": "rust-x86_64.log",
    "Rust core, aarch64 (qemu)": "rust-aarch64.log",
    "Kotlin bindings (JUnit)": "kotlin-bindings",
    "Android library, JVM (JUnit)": "android-jvm",
    "Python bindings (pytest)": "python",
}

LIBTEST = re.compile(
    r"^test result: (\w+)\. (\d+) passed; (\d+) failed; (\d+) ignored", re.M
)


def rust(path):
    """passed, failed, skipped from libtest's own summary lines."""
    passed = failed = skipped = 0
    for _, p, f, i in LIBTEST.findall(path.read_text(encoding="utf-8", errors="replace")):
        passed += int(p)
        failed += int(f)
        skipped += int(i)
    return passed, failed, skipped


def junit(folder):
    """passed, failed, skipped from the JUnit XML files in a folder."""
    passed = failed = skipped = 0
    for report in sorted(folder.glob("*.xml")):
        root = ET.parse(report).getroot()
        suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
        for suite in suites:
            tests = int(suite.get("tests", 0))
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skip = int(suite.get("skipped", 0))
            passed += tests - bad - skip
            failed += bad
            skipped += skip
    return passed, failed, skipped


def main():
    reports = pathlib.Path(sys.argv[1])
    ok = True
    total = [0, 0, 0]
    print(f"{'suite':<32} {'passed':>7} {'failed':>7} {'skipped':>8}")
    for name, entry in EXPECTED.items():
        path = reports / entry
        if not path.exists():
            print(f"{name:<32} no report at {path}")
            ok = False
            continue
        counts = rust(path) if path.is_file() else junit(path)
        print(f"{name:<32} {counts[0]:>7} {counts[1]:>7} {counts[2]:>8}")
        if counts[1] or not counts[0]:
            ok = False
        total = [a + b for a, b in zip(total, counts)]
    print(f"total: {total[0]} passed, {total[1]} failed, {total[2]} skipped")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
