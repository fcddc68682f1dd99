"""Exercises the generated Python bindings against the Linux build of the core:
records, enums, typed errors, the logger callback, the scanner object and
its async function. Run by tests/run-bindings.sh with the bindings on sys.path."""

import asyncio
import os
import struct
import zlib
import tempfile
import unittest

import icp_companion as core
# The domain's own records and enums (crate icp-companion-core, feature `uniffi`).
import icp_companion_core as domain
# The order payload, rules and wire types (crate icp-companion-protocol), and
# the Shanghai rule's types (crate icp-companion-location).
import icp_location as location
import icp_protocol as protocol

NOW = 1_795_000_000


class Collector(core.Logger):
    def __init__(self):
        self.records = []

    def log(self, record):
        self.records.append(record)


LOGGER = Collector()
assert core.install_logger(LOGGER, core.LogLevel.INFO, [core.LogTarget(target="icp_companion_core", level=core.LogLevel.DEBUG)])
SEED = core.generate_issuer_seed()
TRUST = core.TrustConfig(
    trusted_issuer_keys=[core.issuer_public_key(SEED)],
    allowed_gateway_hosts=["127.0.0.1"],
)
PAYLOAD = protocol.OrderPayload(
    order_id="ICP-PY-0001",
    gateway="http://127.0.0.1:8765",
    claim_token=bytes(range(16)),
    expires_at=NOW + 600,
    province=protocol.Province.GUANGDONG,
    subject=protocol.SubjectType.INDIVIDUAL,
    requirements=protocol.Requirements(
        documents=[protocol.DocumentKind.OWNER_ID],
        admin_photo=protocol.AdminPhotoFlow.APP,
        in_region_verification=False,
    ),
)


class OrderQr(unittest.TestCase):
    def test_round_trip(self):
        text = core.order_qr_encode(PAYLOAD, SEED)
        order = core.order_qr_parse_and_verify(text, TRUST, NOW)
        self.assertEqual(order.payload.order_id, "ICP-PY-0001")
        self.assertEqual(order.payload.claim_token, bytes(range(16)))
        self.assertEqual(order.payload.requirements.admin_photo, protocol.AdminPhotoFlow.APP)
        self.assertTrue(any("order code verified" in r.message for r in LOGGER.records))

    def test_errors_carry_codes_and_messages(self):
        text = core.order_qr_encode(PAYLOAD, SEED)
        with self.assertRaises(core.OrderQrError.Expired) as caught:
            core.order_qr_parse_and_verify(text, TRUST, NOW + 601)
        self.assertEqual(caught.exception.code, "qr.expired")
        self.assertIn("过期", caught.exception.message_zh)
        self.assertLessEqual(caught.exception.expired_at, NOW + 601)
        self.assertFalse(caught.exception.transient)
        forged = text[:-4] + ("AAAA" if not text.endswith("AAAA") else "BBBB")
        with self.assertRaises(core.OrderQrError):
            core.order_qr_parse_and_verify(forged, TRUST, NOW)
        https_only = core.TrustConfig(
            trusted_issuer_keys=TRUST.trusted_issuer_keys, allowed_gateway_hosts=["gw.example.cn"]
        )
        with self.assertRaises(core.OrderQrError.GatewayNotAllowed):
            core.order_qr_parse_and_verify(text, https_only, NOW)

    def test_render(self):
        text = core.order_qr_encode(PAYLOAD, SEED)
        self.assertTrue(core.order_qr_render_png(text, 3).startswith(b"\x89PNG"))
        self.assertIn("<svg", core.order_qr_render_svg(text))


class Scanner(unittest.TestCase):
    def test_scan_file_async_and_frames(self):
        text = core.order_qr_encode(PAYLOAD, SEED)
        scanner = core.OrderScanner(TRUST)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "code.png")
            with open(path, "wb") as f:
                f.write(core.order_qr_render_png(text, 5))
            order = asyncio.run(scanner.scan_file(path, NOW))
            self.assertEqual(order.payload.order_id, "ICP-PY-0001")
            truncated = os.path.join(tmp, "cut.png")
            with open(path, "rb") as src, open(truncated, "wb") as dst:
                dst.write(src.read()[:200])
            with self.assertRaises(core.ScanError.Image) as caught:
                asyncio.run(scanner.scan_file(truncated, NOW))
            self.assertEqual(caught.exception.code, "image.corrupt")
        blank = core.CameraFrame(
            format=domain.PixelFormat.BGRA8, width=64, height=48,
            planes=[core.FramePlane(data=bytes([200]) * (64 * 48 * 4), row_stride=256, pixel_stride=4)],
            rotation_degrees=180, mirrored=False,
        )
        self.assertIsNone(scanner.scan_frame(blank, NOW))


class Observer(core.CaptureObserver):
    """Records the capture session's events in order."""

    def __init__(self):
        self.events = []

    def on_guidance(self, hints):
        self.events.append(("guidance", [h.hint for h in hints]))

    def on_code_refused(self, error):
        self.events.append(("refused", error))

    def on_order(self, order):
        self.events.append(("order", order))

    def on_captured(self, still):
        self.events.append(("captured", still))


class Capture(unittest.TestCase):
    def test_order_code_from_replayed_nv12_frames(self):
        text = core.order_qr_encode(PAYLOAD, SEED)
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "frame-1.png"), "wb") as f:
                f.write(core.order_qr_render_png(text, 6))
            # An iOS camera: 420 bi-planar video range, sensor turned 90°.
            source = core.ReplaySource.open(tmp, domain.PixelFormat.NV12_VIDEO_RANGE, 90, False)
            frame = source.next_frame()
            self.assertIsNone(source.next_frame())
        self.assertEqual(len(frame.planes), 2)
        observer = Observer()
        session = core.CaptureSession(core.CaptureTarget.ORDER_QR(trust=TRUST), None, observer)
        outcome = None
        for _ in range(4):
            outcome = session.push_frame(frame, NOW)
            if session.is_finished():
                break
        self.assertEqual(outcome, core.FrameOutcome.ANALYSED)
        self.assertEqual(observer.events[0], ("guidance", [domain.Hint.CODE_FOUND]))
        self.assertEqual(observer.events[1][1].payload.order_id, "ICP-PY-0001")
        self.assertEqual(session.push_frame(frame, NOW), core.FrameOutcome.FINISHED)
        # Expired by the time it is scanned: refused, the session goes on.
        late = core.CaptureSession(core.CaptureTarget.ORDER_QR(trust=TRUST), None, Observer())
        for _ in range(4):
            late.push_frame(frame, NOW + 601)
        self.assertFalse(late.is_finished())

    def test_bad_frames_and_settings(self):
        session = core.CaptureSession(
            core.CaptureTarget.ADMIN_PHOTO(flow=domain.PhotoFlow.BACKDROP, profile=None),
            domain.CaptureSettings(steady_frames=2, max_motion=0.02, analysis_side=320, min_brightness=40),
            Observer(),
        )
        short = core.CameraFrame(
            format=domain.PixelFormat.NV21, width=64, height=48,
            planes=[core.FramePlane(data=bytes(64 * 48), row_stride=64, pixel_stride=1)],
            rotation_degrees=0, mirrored=False,
        )
        with self.assertRaises(core.CameraError.Frame) as caught:
            session.push_frame(short, NOW)
        self.assertEqual(caught.exception.code, "frame.buffer_too_small")
        self.assertEqual(session.stats().analysed, 0)


class Location(unittest.TestCase):
    NOW_MS = NOW * 1000

    def fix(self, lat, lon, crs=location.Crs.WGS84, accuracy=10.0, **kw):
        args = dict(
            latitude=lat, longitude=lon, crs=crs, horizontal_accuracy_m=accuracy,
            fix_time_unix_ms=self.NOW_MS - 1000, is_mock=False,
            provider=location.LocationProvider.GPS, precision=location.LocationPrecision.PRECISE,
        )
        args.update(kw)
        return location.LocationFix(**args)

    def test_verdicts_in_every_coordinate_system(self):
        for crs in (location.Crs.WGS84, location.Crs.GCJ02, location.Crs.BD09):
            verdict = core.location_assess(self.fix(31.2304, 121.4737, crs), self.NOW_MS, None)
            self.assertEqual(verdict.status, location.RegionStatus.INSIDE, crs)
        huaqiao = core.location_assess(self.fix(31.2950, 121.0940, accuracy=400.0), self.NOW_MS, None)
        self.assertEqual(huaqiao.status, location.RegionStatus.UNCERTAIN)
        self.assertEqual(huaqiao.code, "location.accuracy_too_coarse")

    def test_refusals_are_typed(self):
        with self.assertRaises(core.LocationError.CoarseOnly) as caught:
            core.location_assess(
                self.fix(31.2, 121.4, precision=location.LocationPrecision.APPROXIMATE), self.NOW_MS, None)
        self.assertEqual(caught.exception.code, "location.coarse_only")
        with self.assertRaises(core.LocationError.StaleFix) as stale:
            core.location_assess(self.fix(31.2, 121.4, fix_time_unix_ms=0), self.NOW_MS, None)
        # The facts survive the FFI: how old the fix was and the limit.
        self.assertEqual(stale.exception.age_s, self.NOW_MS // 1000)
        self.assertGreater(stale.exception.max_s, 0)
        self.assertTrue(stale.exception.transient, "a fresh fix cures a stale one")
        self.assertIn(str(stale.exception.max_s), stale.exception.message_en)
        with self.assertRaises(core.LocationError.InvalidAccuracy):
            core.location_assess(self.fix(31.2, 121.4, accuracy=float("nan")), self.NOW_MS, None)

    def test_rules(self):
        rules = core.requirements_for(65, protocol.SubjectType.INDIVIDUAL)
        self.assertEqual(rules.statement_mark, protocol.StatementMark.FINGERPRINT)
        self.assertEqual(rules.domain_listing, protocol.DomainListing.ONE_FORM_FREE_SPACE)
        with self.assertRaises(core.RulesError.UnknownProvince):
            core.requirements_for(0, protocol.SubjectType.ORGANISATION)


class Normalise(unittest.TestCase):
    def test_normalise_for_upload(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "code.png")
            with open(path, "wb") as f:
                f.write(core.order_qr_render_png(core.order_qr_encode(PAYLOAD, SEED), 4))
            with open(path, "rb") as f:
                png = f.read()
        out = asyncio.run(core.normalise_for_upload(png))
        self.assertEqual(out.format, domain.UploadFormat.PNG)
        self.assertLessEqual(len(out.bytes), 4_000_000)
        with self.assertRaises(core.ImageError.Corrupt) as caught:
            asyncio.run(core.normalise_for_upload(png[: len(png) // 2]))
        self.assertEqual(caught.exception.code, "image.corrupt")


class Faces(unittest.TestCase):
    PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "target", "test-deps", "faces")

    def test_detect_faces(self):
        # Photos fetched by tests/setup-deps.sh (run by tests/run-bindings.sh).
        with open(os.path.join(self.PHOTOS, "astronaut.png"), "rb") as f:
            faces = asyncio.run(core.detect_faces(f.read()))
        self.assertEqual(len(faces), 1)
        self.assertTrue(150 < faces[0].x + faces[0].width / 2 < 260, faces[0])
        with open(os.path.join(self.PHOTOS, "coffee.png"), "rb") as f:
            self.assertEqual(asyncio.run(core.detect_faces(f.read())), [])
        with self.assertRaises(core.ImageError.UnsupportedFormat):
            asyncio.run(core.detect_faces(b"GIF87"))

    @staticmethod
    def model(name):
        with open(os.path.join(os.path.dirname(__file__), "..", "..", "rust-core", "data", name), "rb") as f:
            return f.read()

    def detector_model(self):
        return self.model("face_detection_short_range.tflite")

    def test_check_admin_photo(self):
        with open(os.path.join(self.PHOTOS, "astronaut.png"), "rb") as f:
            photo = f.read()
        findings = {f.code: f for f in asyncio.run(core.check_admin_photo(photo, domain.PhotoFlow.BACKDROP, None, None))}
        self.assertEqual(findings["photo.face_count"].outcome, domain.Outcome.PASS)
        self.assertEqual(findings["photo.blurry"].outcome, domain.Outcome.PASS)
        # Face quality once the app loads the landmark model (an asset it bundles).
        self.assertNotIn("photo.eyes_closed", findings)
        with self.assertRaises(core.FaceModelError.WrongModel) as wrong:
            core.load_face_landmark_model(self.detector_model())
        self.assertEqual(wrong.exception.input, "[1, 128, 128, 3]")
        with self.assertRaises(core.FaceModelError.Internal):
            core.load_face_landmark_model(b"not a model")
        self.assertFalse(core.face_landmark_model_loaded())
        core.load_face_landmark_model(self.model("face_landmark.tflite"))
        self.assertTrue(core.face_landmark_model_loaded())
        findings = {f.code: f for f in asyncio.run(core.check_admin_photo(photo, domain.PhotoFlow.BACKDROP, None, None))}
        for code in ["photo.eyes_closed", "photo.head_turned", "photo.head_tilted", "photo.face_covered"]:
            self.assertEqual(findings[code].outcome, domain.Outcome.PASS, findings[code])
        self.assertIsNotNone(findings["photo.off_centre"].region)
        # Her background is a room, not the blue backdrop.
        self.assertEqual(findings["photo.backdrop"].outcome, domain.Outcome.FAIL)
        # Boxes from the platform's detector are used instead of the core's.
        none = asyncio.run(core.check_admin_photo(photo, domain.PhotoFlow.APP, [], None))
        self.assertEqual([(f.code, f.outcome) for f in none], [("photo.face_count", domain.Outcome.FAIL)])
        self.assertTrue(none[0].message_zh)


def document_png():
    """An 800 x 600 photo of a 500 x 320 card (cream, a blue band, dark print
    lines, a red ring) on a brown table, as PNG bytes."""
    rows = []
    for y in range(600):
        row = bytearray([0])
        for x in range(800):
            u, v = x - 150, y - 140
            if not (0 <= u < 500 and 0 <= v < 320):
                px = (92, 60, 38)
            elif v < 40:
                px = (30, 110, 200)
            elif 50 * 50 <= (u - 400) ** 2 + (v - 230) ** 2 < 60 * 60:
                px = (215, 40, 45)
            elif (v // 6) % 4 == 0 and 30 < u < 330 and (u // 9) % 3:
                px = (35, 35, 40)
            else:
                px = (236, 232, 222)
            row.extend(px)
        rows.append(bytes(row))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 800, 600, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


class Documents(unittest.TestCase):
    def test_check_document(self):
        marks = domain.RequiredMarks(seal=True, fingerprint=False)
        findings = {f.code: f for f in asyncio.run(
            core.check_document(document_png(), domain.DocumentType.ID_CARD, marks, None))}
        self.assertEqual(findings["document.edge_cut"].outcome, domain.Outcome.PASS)
        self.assertEqual(findings["document.seal"].outcome, domain.Outcome.PASS)
        self.assertEqual(findings["document.colour"].outcome, domain.Outcome.PASS)
        # 500 px across is too few for a card (800 needed).
        self.assertEqual(findings["document.resolution"].outcome, domain.Outcome.FAIL)
        self.assertAlmostEqual(findings["document.resolution"].measured, 500, delta=12)
        self.assertTrue(findings["document.resolution"].message_zh)
        sheet = asyncio.run(core.compose_documents([document_png(), document_png()]))
        self.assertEqual((sheet.width, sheet.height), (800 + 64, 1200 + 96))
        with self.assertRaises(core.ImageError.NothingToCompose):
            asyncio.run(core.compose_documents([document_png()]))
        with self.assertRaises(core.ImageError.Corrupt):
            asyncio.run(core.check_document(document_png()[:300], domain.DocumentType.PASSPORT,
                                            domain.RequiredMarks(seal=False, fingerprint=False), None))


    def test_read_document_text_and_judge_it(self):
        def line(text, x, y):
            return domain.TextLine(text=text, confidence=0.95,
                                 region=domain.PixelRect(x=x, y=y, width=30 * len(text), height=40))
        back = [line("签发机关", 150, 460), line("北京市公安局东城分局", 330, 461),
                line("有效期限", 150, 540), line("2006.03.01-2026.03.01", 330, 541)]
        reading = core.read_document_text(domain.DocumentType.ID_CARD, back)
        self.assertEqual(reading.side, domain.DocumentSide.BACK)
        self.assertEqual(reading.validity.until, domain.ValidUntil.DATE(domain.CalendarDate(year=2026, month=3, day=1)))
        today = domain.CalendarDate(year=2026, month=12, day=1)
        self.assertEqual(core.document_validity_verdict(reading, today, 60), domain.ValidityVerdict.EXPIRED)
        expectations = domain.Expectations(today=today, min_validity_days=60, applicant_masked="张*",
                                         document_en="ID card", document_zh="身份证")
        findings = {f.code: f for f in core.judge_document_reading(reading, expectations)}
        expired = findings["document.expired"]
        self.assertEqual(expired.outcome, domain.Outcome.FAIL)
        self.assertEqual(expired.unit, domain.MeasureUnit.DAYS)
        self.assertIn("2026-03-01", expired.message_en)
        self.assertIn("2026-03-01", expired.message_zh)
        # The rules table gives the minimum remaining validity.
        self.assertEqual(core.requirements_for(44, protocol.SubjectType.INDIVIDUAL).min_document_validity_days, 60)
        self.assertGreaterEqual(core.today_in_china().year, 2026)
        with self.assertRaises(core.DocumentReadError.Internal) as refused:
            core.DocumentReader(b"not a model", b"not a model")
        self.assertEqual(refused.exception.code, "read.model_invalid")


def new_order(gateway, province_code=31, subject="organisation", allow_stored_photos=False):
    """Creates an order at the development gateway as the filing website would
    (`allow_stored_photos`: without the live-capture requirement, for tests of
    the transport with made-up bytes)."""
    import json
    import urllib.request
    body = json.dumps({"province_code": province_code, "subject": subject,
                       "applicant": "张晓明", "domains": ["example.cn"],
                       "allow_stored_photos": allow_stored_photos}).encode()
    request = urllib.request.Request(gateway + "/dev/orders", data=body,
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        created = json.loads(answer.read())
    trust = core.TrustConfig(trusted_issuer_keys=[created["issuer_public_key"]],
                             allowed_gateway_hosts=["127.0.0.1"])
    import time
    return core.order_qr_parse_and_verify(created["qr_text"], trust, int(time.time()))


class Progress(core.UploadProgress):
    def __init__(self):
        self.seen = []

    def progress(self, entry_id, sent, total):
        self.seen.append((entry_id, sent, total))


@unittest.skipUnless(os.environ.get("ICP_DEV_GATEWAY"), "tests/run-bindings.sh starts the gateway")
class Uploads(unittest.TestCase):
    def test_claim_queue_upload_submit(self):
        gateway = os.environ["ICP_DEV_GATEWAY"]
        order = new_order(gateway, province_code=44, allow_stored_photos=True)

        async def flow():
            installation = core.generate_installation_id()
            session = await core.claim_order(order, installation)
            view = await session.view()
            self.assertEqual(view.applicant_masked, "张*明")
            self.assertEqual(await session.state(), domain.SessionState.CLAIMED)
            # Another installation is refused; this one claiming again gets the same session.
            with self.assertRaises(core.SessionError.AlreadyClaimed) as refused:
                await core.claim_order(order, core.generate_installation_id())
            self.assertEqual(refused.exception.code, "session.already_claimed")
            again = await core.claim_order(order, installation)
            self.assertEqual((await again.view()).order_id, view.order_id)
            with tempfile.TemporaryDirectory() as folder:
                queue = core.UploadQueue(folder, bytes(range(32)))
                for i, slot in enumerate(s.slot for s in view.slots):
                    photo = os.urandom(300_000 + i)
                    await queue.enqueue(session, slot, photo, 1_795_000_000_000, "pass", None)
                self.assertEqual(queue.pending_count(), len(view.slots))
                progress = Progress()
                summary = await queue.drain(progress)
                self.assertEqual(summary.failed, [])
                self.assertEqual(len(summary.uploaded), len(view.slots))
                self.assertEqual(queue.pending_count(), 0)
                self.assertTrue(progress.seen and progress.seen[-1][1] == progress.seen[-1][2])
            await session.refresh()
            self.assertEqual(await session.state(), domain.SessionState.UPLOADED)
            self.assertEqual((await session.submit()).status, protocol.OrderStatus.SUBMITTED)
            with self.assertRaises(core.SessionError.OrderClosed):
                await session.submit()
        asyncio.run(flow())

    def test_in_region_photos_need_location_evidence(self):
        order = new_order(os.environ["ICP_DEV_GATEWAY"], province_code=31)

        async def flow():
            session = await core.claim_order(order, core.generate_installation_id())
            view = await session.view()
            self.assertTrue(all(s.needs_location for s in view.slots))
            self.assertEqual(view.phone_steps, protocol.PhoneSteps.ADMINISTRATOR_IN_REGION)
            with tempfile.TemporaryDirectory() as folder:
                queue = core.UploadQueue(folder, bytes(32))
                with self.assertRaises(core.QueueError.Refused) as refused:
                    await queue.enqueue(session, view.slots[0].slot, b"photo", 1, "pass", None)
                self.assertEqual(refused.exception.code, "session.location_required")
                self.assertEqual(queue.pending_count(), 0)
        asyncio.run(flow())

    def test_live_capture_orders_refuse_stored_photos(self):
        order = new_order(os.environ["ICP_DEV_GATEWAY"], province_code=44)

        async def flow():
            session = await core.claim_order(order, core.generate_installation_id())
            view = await session.view()
            self.assertTrue(all(s.live_capture for s in view.slots))
            with tempfile.TemporaryDirectory() as folder:
                queue = core.UploadQueue(folder, bytes(32))
                with self.assertRaises(core.QueueError.Refused) as refused:
                    await queue.enqueue(session, view.slots[0].slot, os.urandom(5000), 1, "pass", None)
                self.assertEqual(refused.exception.code, "session.live_capture_required")
                self.assertEqual(queue.pending_count(), 0)
        asyncio.run(flow())

    def test_wrong_queue_key_is_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            with self.assertRaises(core.UploadError.Storage):
                core.UploadQueue(folder, b"short")


if __name__ == "__main__":
    unittest.main(verbosity=2)
