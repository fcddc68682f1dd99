"""The Kotlin and Swift layers at parity: the idiomatic wrappers on each side
(android/…/ktx, ios/Sources/IcpCompanionKit) offer the same members, and
each wraps every method of the generated bindings it stands in front of.
Run by pytest with the binding tests (tests/run-bindings.sh), after the
bindings are generated into target/bindings."""
import pathlib
import re
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
KTX = ROOT / "android/icp-companion/src/shared/kotlin/cn/icpfiling/companion/ktx"
SWIFT = ROOT / "ios/Sources/IcpCompanionKit"
BINDINGS = ROOT / "target/bindings"

# Differences each platform's idiom makes, and why.
KOTLIN_ONLY = {
    # Kotlin frees the native session explicitly (AutoCloseable); Swift
    # frees it when the wrapper is released.
    "close",
}
SWIFT_ONLY = set()
# Generated methods a wrapper need not call: `result()` already says
# whether the session finished.
UNWRAPPED = {"isFinished"}


def body(source: str, opener: str) -> str:
    """The text between the braces that follow `opener` (outside any
    parentheses: a constructor's default lambdas are not the body)."""
    at, parens = source.index(opener) + len(opener), opener.count("(") - opener.count(")")
    while source[at] != "{" or parens:
        parens += {"(": 1, ")": -1}.get(source[at], 0)
        at += 1
    depth = 0
    for i in range(at, len(source)):
        depth += {"{": 1, "}": -1}.get(source[i], 0)
        if depth == 0:
            return source[at + 1 : i]
    raise ValueError(f"unbalanced braces after {opener}")


def top_level(block: str) -> str:
    """`block` without its nested bodies (members' own code)."""
    out, depth = [], 0
    for ch in block:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def kotlin_members(block: str) -> set:
    members = set()
    for line in top_level(block).splitlines():
        line = line.strip()
        if re.match(r"(private|internal|protected|override)\b", line):
            continue
        m = re.match(r"(?:suspend\s+)?(?:fun|val|var)\s+(?:`?)(\w+)", line)
        if m:
            members.add(m.group(1))
    return members


def swift_members(block: str) -> set:
    return set(
        re.findall(r"public\s+(?:func|var|let)\s+(\w+)", top_level(block))
    )


def generated_methods(path: pathlib.Path, opener: str, pattern: str) -> set:
    return set(re.findall(pattern, body(path.read_text(), opener)))


class GuidedCaptureParity(unittest.TestCase):
    kotlin = (KTX / "GuidedCapture.kt").read_text()
    swift = (SWIFT / "GuidedCapture.swift").read_text()

    def test_same_members_on_both_sides(self):
        k = kotlin_members(body(self.kotlin, "class GuidedCapture("))
        s = swift_members(body(self.swift, "public final class GuidedCapture"))
        self.assertEqual(k - KOTLIN_ONLY, s - SWIFT_ONLY)
        for member in ["push", "shutter", "capture", "result", "restart", "stats", "guidance", "refusal"]:
            self.assertIn(member, k)

    def test_every_generated_session_method_is_wrapped(self):
        kotlin_generated = generated_methods(
            BINDINGS / "kotlin/cn/icpfiling/companion/icp_companion.kt",
            "interface CaptureSessionInterface",
            r"fun `(\w+)`",
        )
        swift_generated = generated_methods(
            BINDINGS / "swift/IcpCompanion.swift",
            "protocol CaptureSessionProtocol",
            r"func (\w+)\(",
        )
        self.assertEqual(kotlin_generated, swift_generated)
        self.assertIn("captureFrame", kotlin_generated)
        for name in sorted(kotlin_generated - UNWRAPPED):
            with self.subTest(method=name):
                self.assertRegex(self.kotlin, rf"session\.{name}\(")
                self.assertRegex(self.swift, rf"session\.{name}\(")


class UploadsParity(unittest.TestCase):
    def test_same_updates_and_entry_point(self):
        kotlin = (KTX / "Uploads.kt").read_text()
        swift = (SWIFT / "Uploads.swift").read_text()
        k = {c.lower() for c in re.findall(r"data class (\w+)\(", body(kotlin, "sealed interface UploadUpdate"))}
        s = set(re.findall(r"case (\w+)\(", body(swift, "public enum UploadUpdate")))
        self.assertEqual(k, s)
        self.assertEqual(k, {"progress", "finished"})
        self.assertIn("fun UploadQueue.uploads()", kotlin)
        self.assertRegex(body(swift, "public extension UploadQueue"), r"func uploads\(\)")


class CaptureResultParity(unittest.TestCase):
    def test_same_cases(self):
        kotlin = (KTX / "GuidedCapture.kt").read_text()
        swift = (SWIFT / "GuidedCapture.swift").read_text()
        k = {c.lower() for c in re.findall(r"data class (\w+)\(", body(kotlin, "sealed interface CaptureResult"))}
        s = set(re.findall(r"case (\w+)\(", body(swift, "public enum CaptureResult")))
        self.assertEqual(k, s)


if __name__ == "__main__":
    unittest.main()
