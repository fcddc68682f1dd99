// Exercises the generated Kotlin bindings on the JVM (through JNA) against the
// Linux build of the core: every exported type, errors as exceptions, the
// logger callback, suspend functions and the capture session's foreign observer.
// JUnit 4 tests, run by tests/run-bindings.sh through the JUnit Platform console.
import cn.icpfiling.companion.*
import cn.icpfiling.companion.core.*
import cn.icpfiling.companion.location.*
import cn.icpfiling.companion.protocol.*
import cn.icpfiling.companion.testing.createDevOrder
import cn.icpfiling.companion.testing.writeDocumentSequence
import java.awt.image.BufferedImage
import java.io.ByteArrayInputStream
import java.io.File
import javax.imageio.ImageIO
import kotlinx.coroutines.runBlocking
import org.junit.AfterClass
import org.junit.Test

fun expect(condition: Boolean, message: String) {
    if (!condition) throw AssertionError(message)
}

inline fun <reified E : Throwable> expectThrows(body: () -> Unit): E {
    try {
        body()
    } catch (e: Throwable) {
        if (e is E) return e
        throw AssertionError("expected ${E::class.simpleName}, got $e")
    }
    throw AssertionError("expected ${E::class.simpleName}, nothing thrown")
}

class CollectingLogger : Logger {
    val records = java.util.Collections.synchronizedList(mutableListOf<LogRecord>())
    override fun log(record: LogRecord) {
        records.add(record)
    }
}

const val NOW: ULong = 1_795_000_000uL

/** A one-plane frame over `data`. */
fun packed(format: PixelFormat, data: ByteArray, w: Int, h: Int, rowStride: Int, pixelStride: Int, rotation: UInt = 0u) =
    CameraFrame(format, w.toUInt(), h.toUInt(), listOf(FramePlane(data, rowStride.toUInt(), pixelStride.toUInt())), rotation, false)

/** What a capture observer saw, tagged with the frame being pushed. */
sealed class Seen {
    abstract val frame: Int
    data class Guidance(override val frame: Int, val texts: List<GuidanceHint>) : Seen() {
        val hints get() = texts.map { it.hint }
    }
    data class Refused(override val frame: Int, val error: OrderQrException) : Seen()
    data class Order(override val frame: Int, val order: VerifiedOrder) : Seen()
    data class Captured(override val frame: Int, val still: CapturedStill) : Seen()
}

class RecordingObserver : CaptureObserver {
    @Volatile var frame = 0
    val events = java.util.Collections.synchronizedList(mutableListOf<Seen>())
    override fun onGuidance(hints: List<GuidanceHint>) { events.add(Seen.Guidance(frame, hints)) }
    override fun onCodeRefused(error: OrderQrException) { events.add(Seen.Refused(frame, error)) }
    override fun onOrder(order: VerifiedOrder) { events.add(Seen.Order(frame, order)) }
    override fun onCaptured(still: CapturedStill) { events.add(Seen.Captured(frame, still)) }
}

class BindingsTest {
    companion object {
        val logger = CollectingLogger().also { check(installLogger(it, LogLevel.INFO, listOf(LogTarget("icp_companion_core", LogLevel.DEBUG)))) { "the core logs through this logger" } }

        val seed = generateIssuerSeed()
        val publicKey = issuerPublicKey(seed)
        val trust = TrustConfig(listOf(publicKey), listOf("127.0.0.1", "*.example.cn"))
        val token = ByteArray(16) { (it * 7).toByte() }
        val payload = OrderPayload(
            orderId = "ICP-KT-0001",
            gateway = "https://gw.beian.example.cn",
            claimToken = token,
            expiresAt = NOW + 600uL,
            province = Province.SHANGHAI,
            subject = SubjectType.ORGANISATION,
            requirements = Requirements(
                documents = listOf(DocumentKind.OWNER_ID, DocumentKind.AUTHENTICITY_STATEMENT),
                adminPhoto = AdminPhotoFlow.BACKDROP,
                inRegionVerification = true,
            ),
        )
        val text = orderQrEncode(payload, seed)

        val scanner = OrderScanner(trust)
        val image: BufferedImage = ImageIO.read(ByteArrayInputStream(orderQrRenderPng(text, 4u)))

        @AfterClass @JvmStatic
        fun closeScanner() = scanner.close()
    }

    @Test
    fun encodeAndVerifyRoundTrip() {
        expect(publicKey.length == 64, "public key is 64 hex digits")
        expect(text.startsWith("https://gw.beian.example.cn/q#"), text)
        val order = orderQrParseAndVerify(text, trust, NOW)
        expect(order.payload.orderId == "ICP-KT-0001", "order id")
        expect(order.payload.province == Province.SHANGHAI, "province")
        expect(order.payload.claimToken.contentEquals(token), "claim token")
        expect(order.payload.requirements.documents == payload.requirements.documents, "documents")
        expect(order.payload.requirements.inRegionVerification, "in-region")
        expect(order.issuerKeyId.length == 8, "key id")
    }

    @Test
    fun refusalsAreTypedExceptionsWithCodesAndBothLanguages() {
        val expired = expectThrows<OrderQrException.Expired> { orderQrParseAndVerify(text, trust, NOW + 600uL) }
        expect(expired.code == "qr.expired", expired.code)
        expect(expired.messageZh.contains("过期"), expired.messageZh)
        expect(expired.messageEn.contains("expired"), expired.messageEn)
        expect(expired.expiredAt > 0uL && expired.expiredAt <= NOW + 600uL, "expiredAt ${expired.expiredAt}")
        expect(!expired.transient, "an expired code stays expired")
        val other = TrustConfig(listOf(issuerPublicKey(generateIssuerSeed())), trust.allowedGatewayHosts)
        expectThrows<OrderQrException.UnknownIssuer> { orderQrParseAndVerify(text, other, NOW) }
        val strict = TrustConfig(trust.trustedIssuerKeys, listOf("gw.other.cn"))
        val refused = expectThrows<OrderQrException.GatewayNotAllowed> { orderQrParseAndVerify(text, strict, NOW) }
        expect(refused.code == "qr.gateway_not_allowed", refused.code)
        expectThrows<OrderQrException.NotAnOrderCode> { orderQrParseAndVerify("https://example.com", trust, NOW) }
        expectThrows<OrderQrException.InvalidInput> { orderQrEncode(payload.copy(orderId = "bad id"), seed) }
        expectThrows<OrderQrException.InvalidInput> { issuerPublicKey(ByteArray(3)) }
    }

    @Test
    fun renderPngAndSvg() {
        val png = orderQrRenderPng(text, 4u)
        expect(png[1] == 'P'.code.toByte() && png[2] == 'N'.code.toByte(), "PNG signature")
        expect(orderQrRenderSvg(text).contains("<svg"), "SVG")
    }

    @Test
    fun scanAnRgbaCameraFrameWithPaddedStrideAndRotation() {
        // The sensor image is the upright code rotated 90° counter-clockwise;
        // rotation 90 tells the core to turn it clockwise.
        val w = image.height
        val h = image.width
        val stride = w * 4 + 12
        val data = ByteArray(stride * h)
        for (y in 0 until h) for (x in 0 until w) {
            val rgb = image.getRGB(h - 1 - y, x)
            val o = y * stride + x * 4
            data[o] = (rgb shr 16).toByte(); data[o + 1] = (rgb shr 8).toByte()
            data[o + 2] = rgb.toByte(); data[o + 3] = 0xFF.toByte()
        }
        var order: VerifiedOrder? = null
        // Live scanning: a few frames at most.
        for (i in 0 until 4) {
            order = scanner.scanFrame(packed(PixelFormat.RGBA8, data, w, h, stride, 4, 90u), NOW)
            if (order != null) break
        }
        expect(order?.payload?.orderId == "ICP-KT-0001", "order from frame: $order")
    }

    @Test
    fun blankFrameFindsNothingAndBadFramesAreRefused() {
        val blank = ByteArray(320 * 240) { 0x80.toByte() }
        expect(scanner.scanFrame(packed(PixelFormat.LUMA8, blank, 320, 240, 320, 1), NOW) == null, "no code")
        val stride = expectThrows<ScanException.Frame> {
            scanner.scanFrame(packed(PixelFormat.LUMA8, blank, 320, 240, 100, 1), NOW)
        }
        expect(stride.code == "frame.bad_stride", stride.code)
        val rotation = expectThrows<ScanException.Frame> {
            scanner.scanFrame(packed(PixelFormat.LUMA8, blank, 320, 240, 320, 1, 45u), NOW)
        }
        expect(rotation.code == "frame.bad_rotation", rotation.code)
        val short = expectThrows<ScanException.Frame> {
            scanner.scanFrame(packed(PixelFormat.NV21, blank, 320, 240, 320, 1), NOW)
        }
        expect(short.code == "frame.buffer_too_small", short.code)
    }

    @Test
    fun suspendScanFileDecodesAPngAndBadFilesAreTypedErrors() {
        val png = File.createTempFile("order", ".png")
        png.writeBytes(orderQrRenderPng(text, 6u))
        val notImage = File.createTempFile("order", ".png")
        notImage.writeText("not an image")
        runBlocking {
            val order = scanner.scanFile(png.path, NOW)
            expect(order?.payload?.orderId == "ICP-KT-0001", "order from file: $order")
            val expired = expectThrows<ScanException.Order> { runBlocking { scanner.scanFile(png.path, NOW + 700uL) } }
            expect(expired.code == "qr.expired", expired.code)
            val bad = expectThrows<ScanException.Image> { runBlocking { scanner.scanFile(notImage.path, NOW) } }
            expect(bad.code == "image.unsupported_format", bad.code)
            val missing = expectThrows<ScanException.Image> { runBlocking { scanner.scanFile("/nonexistent.png", NOW) } }
            expect(missing.code == "image.io", missing.code)
        }
        png.delete(); notImage.delete()
    }

    @Test
    fun loggerCallbackReceivesRecordsWithoutTheToken() {
        orderQrParseAndVerify(text, trust, NOW)
        expect(logger.records.any { it.message.contains("order code verified") }, "records: ${logger.records}")
        val tokenHex = token.joinToString("") { "%02x".format(it) }
        expect(logger.records.none { it.message.contains(tokenHex) || it.message.contains(text) }, "no secrets")
    }

    @Test
    fun shanghaiLocationVerdictsEvidenceAndRefusals() {
        val nowMs = NOW.toLong() * 1000
        val policy = locationDefaultPolicy()
        expect(policy.accuracyFactor == 2.0 && policy.borderMarginM == 100.0, "default policy $policy")
        // People's Square as AMap (GCJ-02) would report it.
        val gcj = Coordinates(31.2304, 121.4737)
        fun fix(lat: Double, lon: Double, crs: Crs, accuracy: Double = 10.0) = LocationFix(
            lat, lon, crs, accuracy, nowMs - 1000, false, LocationProvider.FUSED, LocationPrecision.PRECISE,
        )
        val inside = locationAssess(fix(gcj.latitude, gcj.longitude, Crs.WGS84), nowMs)
        expect(inside.status == RegionStatus.INSIDE && inside.code == "location.inside", "$inside")
        expect(inside.messageZh.contains("上海"), inside.messageZh)
        val wgs = locationToWgs84(31.2304, 121.4737, Crs.GCJ02)
        expect(Math.abs(wgs.latitude - 31.2304) > 0.001, "GCJ-02 is converted: $wgs")
        val kunshan = locationAssess(fix(31.3856, 120.9807, Crs.WGS84), nowMs, policy)
        expect(kunshan.status == RegionStatus.OUTSIDE, "$kunshan")
        val evidence = locationBindEvidence(inside, inside.fixTimeUnixMs + 5000)
        expect(evidence.status == RegionStatus.INSIDE && evidence.boundaryVersion.startsWith("shanghai-admin/"), "$evidence")
        locationEvidenceEnsureInside(evidence)
        val outside = expectThrows<LocationException.OutsideRegion> {
            locationEvidenceEnsureInside(locationBindEvidence(kunshan, kunshan.fixTimeUnixMs))
        }
        expect(outside.code == "location.outside_region", outside.code)
        val mock = expectThrows<LocationException.MockFix> {
            locationAssess(fix(31.2304, 121.4737, Crs.BD09).copy(isMock = true), nowMs)
        }
        expect(mock.code == "location.mock_fix" && mock.messageZh.isNotEmpty(), mock.code)
        val late = expectThrows<LocationException.FixNotAtCapture> { locationBindEvidence(inside, inside.fixTimeUnixMs + 60_000) }
        expect(late.code == "location.fix_not_at_capture", late.code)
    }

    @Test
    fun provinceRulesTable() {
        val jiangxi = requirementsFor(36u, SubjectType.INDIVIDUAL)
        expect(jiangxi.statementMark == StatementMark.FINGERPRINT, "$jiangxi")
        expect(jiangxi.domainListing == DomainListing.WIDENED_DOMAIN_AREA, "$jiangxi")
        val shanghai = requirementsFor(31u, SubjectType.ORGANISATION)
        expect(shanghai.inRegionVerification && shanghai.adminPhoneMustMatch, "$shanghai")
        expect(shanghai.statementMark == StatementMark.OFFICIAL_SEAL, "$shanghai")
        expect(shanghai.notes.any { it.code == "rules.in_region_verification" && it.textZh.contains("上海") }, "notes")
        expect(requirementsFor(44u, SubjectType.INDIVIDUAL).phoneSteps == PhoneSteps.DOCUMENTS_AND_OWNER, "Guangdong: documents and owner")
        expect(shanghai.phoneSteps == PhoneSteps.ADMINISTRATOR_IN_REGION, "Shanghai: administrator in region")
        expect(requirementsFor(11u, SubjectType.INDIVIDUAL).phoneSteps == PhoneSteps.WEBSITE_ONLY, "Beijing: website only")
        val unknown = expectThrows<RulesException.UnknownProvince> { requirementsFor(81u, SubjectType.INDIVIDUAL) }
        expect(unknown.code == "rules.unknown_province" && unknown.provinceCode == 81u, unknown.code)
        expect(!unknown.transient, "an unknown province is not worth retrying")
    }

    @Test
    fun suspendNormaliseForUploadStripsMetadataAndBadBytesAreTypedErrors() {
        val img = BufferedImage(120, 80, BufferedImage.TYPE_INT_RGB)
        for (x in 0 until 120) for (y in 0 until 80) img.setRGB(x, y, (x * 2 shl 16) or (y * 3 shl 8) or 90)
        val out = java.io.ByteArrayOutputStream()
        ImageIO.write(img, "png", out)
        val png = out.toByteArray()
        // A tEXt chunk with a private note, inserted after IHDR (8 + 25 bytes).
        val note = "Comment\u0000owner phone 13800000000".toByteArray(Charsets.ISO_8859_1)
        val chunk = java.nio.ByteBuffer.allocate(12 + note.size).putInt(note.size).put("tEXt".toByteArray()).put(note)
        val crc = java.util.zip.CRC32().apply { update(chunk.array(), 4, 4 + note.size) }
        chunk.putInt(crc.value.toInt())
        val tagged = png.copyOfRange(0, 33) + chunk.array() + png.copyOfRange(33, png.size)
        val normalised = runBlocking { normaliseForUpload(tagged) }
        expect(normalised.format == UploadFormat.PNG && normalised.width == 120u && normalised.height == 80u, "$normalised")
        expect(!String(normalised.bytes, Charsets.ISO_8859_1).contains("13800000000"), "private text removed")
        val bad = expectThrows<ImageException.UnsupportedFormat> { runBlocking { normaliseForUpload("%PDF-1.7".toByteArray()) } }
        expect(bad.code == "image.unsupported_format", bad.code)
        expect(bad.format == null && bad.messageZh.contains("不是图片"), "not an image at all: ${bad.messageZh}")
        val cut = expectThrows<ImageException.Corrupt> { runBlocking { normaliseForUpload(png.copyOfRange(0, png.size / 2)) } }
        expect(cut.code == "image.corrupt", cut.code)
    }

    @Test
    fun suspendDetectFacesAndCheckAdminPhotoOnARealPhoto() {
        // Fetched by tests/setup-deps.sh (scikit-image's astronaut).
        val photo = File("target/test-deps/faces/astronaut.png").readBytes()
        val faces = runBlocking { detectFaces(photo) }
        // Found by BlazeFace, measured by SeetaFace: the score is BlazeFace's probability.
        expect(faces.size == 1 && faces[0].score > 0.75 && faces[0].score <= 1.0, "$faces")
        val findings = runBlocking { checkAdminPhoto(photo, PhotoFlow.BACKDROP) }.associateBy { it.code }
        expect(findings["photo.face_count"]?.outcome == Outcome.PASS, "$findings")
        expect(findings["photo.off_centre"]?.region != null, "region")
        // Face quality once the app loads the landmark model (an asset it bundles).
        expect("photo.eyes_closed" !in findings, "$findings")
        val wrong = expectThrows<FaceModelException.WrongModel> {
            loadFaceLandmarkModel(File("rust-core/data/face_detection_short_range.tflite").readBytes())
        }
        expect(wrong.input == "[1, 128, 128, 3]" && wrong.code == "face_model.wrong_model", "$wrong")
        expect(!faceLandmarkModelLoaded(), "not loaded yet")
        loadFaceLandmarkModel(File("rust-core/data/face_landmark.tflite").readBytes())
        expect(faceLandmarkModelLoaded(), "loaded")
        val measured = runBlocking { checkAdminPhoto(photo, PhotoFlow.BACKDROP) }.associateBy { it.code }
        for (code in listOf("photo.eyes_closed", "photo.head_turned", "photo.head_tilted", "photo.face_covered")) {
            expect(measured[code]?.outcome == Outcome.PASS, "${measured[code]}")
        }
        // Her background is a room, not the blue backdrop nor a white wall.
        expect(findings["photo.backdrop"]?.outcome == Outcome.FAIL, "${findings["photo.backdrop"]}")
        val app = runBlocking { checkAdminPhoto(photo, PhotoFlow.APP) }.associateBy { it.code }
        expect(app["photo.backdrop"]?.outcome == Outcome.FAIL && "photo.backdrop_text" !in app, "$app")
        val withPlatformBoxes = runBlocking { checkAdminPhoto(photo, PhotoFlow.APP, faces = emptyList()) }
        expect(withPlatformBoxes.single().outcome == Outcome.FAIL, "$withPlatformBoxes")
        expect(withPlatformBoxes.single().messageZh.isNotEmpty(), "zh")
    }

    @Test
    fun suspendCheckDocumentAndComposeDocumentsOnADrawnCard() {
        // 800 × 600: a 500 × 320 card (cream, blue band, print lines, red ring) on a brown table.
        val img = BufferedImage(800, 600, BufferedImage.TYPE_INT_RGB)
        for (y in 0 until 600) for (x in 0 until 800) {
            val (u, v) = (x - 150) to (y - 140)
            val d2 = (u - 400) * (u - 400) + (v - 230) * (v - 230)
            val rgb = when {
                u !in 0 until 500 || v !in 0 until 320 -> 0x5C3C26
                v < 40 -> 0x1E6EC8
                d2 in 2500 until 3600 -> 0xD7282D
                (v / 6) % 4 == 0 && u in 31 until 330 && (u / 9) % 3 != 0 -> 0x232328
                else -> 0xECE8DE
            }
            img.setRGB(x, y, rgb)
        }
        val png = java.io.ByteArrayOutputStream().also { ImageIO.write(img, "png", it) }.toByteArray()
        val findings = runBlocking {
            checkDocument(png, DocumentType.BUSINESS_LICENCE, RequiredMarks(seal = true, fingerprint = false))
        }.associateBy { it.code }
        expect(findings["document.edge_cut"]?.outcome == Outcome.PASS, "$findings")
        expect(findings["document.seal"]?.outcome == Outcome.PASS, "${findings["document.seal"]}")
        expect(findings["document.resolution"]?.outcome == Outcome.FAIL, "${findings["document.resolution"]}")
        expect(!findings.containsKey("document.fingerprint"), "fingerprint not asked for")
        val bad = expectThrows<ImageException.UnsupportedFormat> {
            runBlocking { checkDocument(byteArrayOf(1, 2, 3), DocumentType.PASSPORT, RequiredMarks(false, false)) }
        }
        expect(bad.code == "image.unsupported_format", bad.code)
        val sheet = runBlocking { composeDocuments(listOf(png, png)) }
        expect(sheet.format == UploadFormat.JPEG && sheet.width == 864u && sheet.height == 1296u, "$sheet")
        val one = expectThrows<ImageException.NothingToCompose> { runBlocking { composeDocuments(listOf(png)) } }
        expect(one.code == "image.nothing_to_compose" && one.messageZh.isNotEmpty(), one.code)
    }

    @Test
    fun documentFieldsAreReadFromRecognisedTextAndExpiredCardsFail() {
        fun line(text: String, x: UInt, y: UInt) =
            TextLine(text, 0.95f, PixelRect(x, y, (30 * text.length).toUInt(), 40u))
        val number = "11010519491231002X"
        val front = listOf(line("姓名", 60u, 60u), line("张三", 200u, 62u), line("性别", 60u, 140u),
            line("女", 200u, 141u), line("公民身份号码", 60u, 560u), line(number, 330u, 562u))
        val reading = readDocumentText(DocumentType.ID_CARD, front)
        expect(reading.side == DocumentSide.FRONT, "${reading.side}")
        expect(reading.fields.first { it.kind == FieldKind.ID_NUMBER }.value == number, "${reading.fields}")
        expect(reading.holderBirth == CalendarDate(1949u.toUShort(), 12u, 31u) && reading.holderMale == false, "$reading")
        val back = listOf(line("有效期限", 150u, 540u), line("2007.01.15-2027.01.15", 330u, 541u))
        val today = CalendarDate(2026u.toUShort(), 12u, 1u)
        val expiring = readDocumentText(DocumentType.ID_CARD, back)
        expect(documentValidityVerdict(expiring, today, 60u) == ValidityVerdict.EXPIRING, "expiring")
        val findings = judgeDocumentReading(expiring, Expectations(today, 60u, "张*", "ID card", "身份证"))
            .associateBy { it.code }
        val short = findings["document.validity_short"]
        expect(short?.outcome == Outcome.FAIL && short.messageEn.contains("2027-01-15"), "$short")
        val bad = expectThrows<DocumentReadException.Internal> { DocumentReader(byteArrayOf(1), byteArrayOf(2)) }
        expect(bad.code == "read.model_invalid", bad.code)
    }

    @Test
    fun captureTargetsFollowTheOrdersSlotsAndTheProvincesStatementMark() {
        val order = orderQrParseAndVerify(text, trust, NOW)
        val statement = captureTargetForSlot(order, Slot.AUTHENTICITY_STATEMENT) as CaptureTarget.Document
        // Shanghai organisations seal the statement.
        expect(statement.kind == DocumentType.AUTHENTICITY_STATEMENT && statement.marks == RequiredMarks(seal = true, fingerprint = false), "$statement")
        val id = captureTargetForSlot(order, Slot.OWNER_ID) as CaptureTarget.Document
        expect(id.kind == DocumentType.ID_CARD && !id.marks.seal, "$id")
        expect((captureTargetForSlot(order, Slot.ADMIN_PHOTO) as CaptureTarget.AdminPhoto).flow == PhotoFlow.BACKDROP, "admin")
        expect(captureTargetForSlot(order, Slot.SUBJECT_LICENCE) == null, "not collected")
    }

    @Test
    fun captureSessionGuidesADocumentThenAutoCapturesFromReplayedYuv420Frames() {
        val dir = java.nio.file.Files.createTempDirectory("replay").toFile()
        writeDocumentSequence(dir)
        // As an Android back camera delivers them: three planes, sensor turned 90°.
        val source = ReplaySource.open(dir.path, PixelFormat.YUV420, 90u, false)
        expect(source.frameCount() == 7u, "frames ${source.frameCount()}")
        val observer = RecordingObserver()
        val target = CaptureTarget.Document(DocumentType.AUTHENTICITY_STATEMENT, RequiredMarks(seal = false, fingerprint = false), null)
        val session = CaptureSession(target, null, observer)
        val frames = generateSequence { source.nextFrame() }.toList()
        expect(frames.size == 7 && frames[0].planes.size == 3 && frames[0].width == 1500u, "frames ${frames.size}")
        frames.forEachIndexed { i, frame ->
            observer.frame = i
            expect(session.pushFrame(frame, NOW) == FrameOutcome.ANALYSED, "frame $i analysed")
        }
        val guidance = observer.events.filterIsInstance<Seen.Guidance>()
        expect(guidance.first().frame == 0 && Hint.DOCUMENT_EDGE_CUT in guidance.first().hints, "${observer.events}")
        expect(guidance.any { it.hints == listOf(Hint.HOLD_STILL) }, "hold still: ${observer.events}")
        expect(guidance.last().hints == listOf(Hint.READY), "ready: ${observer.events}")
        val captured = observer.events.last() as Seen.Captured
        // Three consecutive steady, passing frames: the 2nd, 3rd and 4th steady one.
        expect(captured.frame == 6 && captured.still.frameIndex == 6uL, "${observer.events}")
        expect(captured.still.automatic && captured.still.passed, "${captured.still.findings}")
        val photo = captured.still.photo
        expect(photo.format == UploadFormat.JPEG && photo.width == 2000u && photo.height == 1500u, "$photo")
        expect(guidance.all { g -> g.texts.all { it.messageZh.isNotEmpty() && it.code.startsWith("guide.") } }, "texts")
        expect(session.isFinished() && session.pushFrame(frames[6], NOW) == FrameOutcome.FINISHED, "finished")
        expect(session.stats().analysed == 7uL && session.stats().dropped == 0uL, "${session.stats()}")

        // Manual capture still gets the verdict: the cut-off sheet fails.
        session.restart()
        expect(!session.isFinished(), "restarted")
        val manual = session.captureFrame(frames[0])
        expect(!manual.automatic && !manual.passed, "manual $manual")
        expect(manual.findings.any { it.code == "document.edge_cut" && it.outcome == Outcome.FAIL }, "${manual.findings}")

        // A frame that lies about its planes is refused and changes nothing.
        session.restart()
        val bad = expectThrows<CameraException.Frame> { session.pushFrame(frames[1].copy(planes = frames[1].planes.take(2)), NOW) }
        expect(bad.code == "frame.plane_count" && bad.messageZh.isNotEmpty(), bad.code)
        val empty = java.nio.file.Files.createTempDirectory("empty").toString()
        val none = expectThrows<CameraException.ReplayEmpty> { ReplaySource.open(empty, PixelFormat.NV21, 0u, false) }
        expect(none.code == "replay.empty", none.code)
        dir.deleteRecursively()
    }

    @Test
    fun captureSessionFindsTheOrderCodeInNv21FramesFromAFrontCamera() {
        val dir = java.nio.file.Files.createTempDirectory("replay").toFile()
        val blank = BufferedImage(480, 640, BufferedImage.TYPE_INT_RGB).apply {
            createGraphics().apply { color = java.awt.Color(200, 200, 200); fillRect(0, 0, 480, 640) }
        }
        ImageIO.write(blank, "png", File(dir, "0.png"))
        val code = ImageIO.read(ByteArrayInputStream(orderQrRenderPng(text, 4u)))
        val shown = BufferedImage(480, 640, BufferedImage.TYPE_INT_RGB).apply {
            createGraphics().apply {
                color = java.awt.Color(200, 200, 200); fillRect(0, 0, 480, 640)
                drawImage(code, (480 - code.width) / 2, (640 - code.height) / 2, null)
            }
        }
        for (i in 1..3) ImageIO.write(shown, "png", File(dir, "$i.png"))
        val source = ReplaySource.open(dir.path, PixelFormat.NV21, 270u, true)
        val observer = RecordingObserver()
        val session = CaptureSession(CaptureTarget.OrderQr(trust), null, observer)
        var pushed = 0
        while (!session.isFinished()) {
            val frame = source.nextFrame() ?: break
            observer.frame = pushed++
            session.pushFrame(frame, NOW)
        }
        val order = observer.events.filterIsInstance<Seen.Order>().singleOrNull()
        expect(order?.order?.payload?.orderId == "ICP-KT-0001", "${observer.events}")
        expect((observer.events.first() as Seen.Guidance).hints == listOf(Hint.LOOK_FOR_CODE), "${observer.events}")
        val refused = RecordingObserver()
        val strict = CaptureSession(CaptureTarget.OrderQr(TrustConfig(listOf(issuerPublicKey(generateIssuerSeed())), listOf("*.example.cn"))), null, refused)
        val again = ReplaySource.open(dir.path, PixelFormat.NV21, 270u, true)
        generateSequence { again.nextFrame() }.forEach { strict.pushFrame(it, NOW) }
        val error = refused.events.filterIsInstance<Seen.Refused>().firstOrNull()?.error
        expect(error is OrderQrException.UnknownIssuer && error.code == "qr.unknown_issuer", "${refused.events}")
        expect(!strict.isFinished(), "a refused code does not finish the session")
        dir.deleteRecursively()
    }

    @Test
    fun suspendClaimOrderEncryptedUploadQueueWithProgressCallbacksSubmit() {
        val gateway = checkNotNull(System.getenv("ICP_DEV_GATEWAY")) { "ICP_DEV_GATEWAY: tests/run-bindings.sh starts the development gateway" }
        val created = createDevOrder(gateway, """{"province_code":44,"subject":"individual","applicant":"李四","domains":["example.cn"],"allow_stored_photos":true}""")
        val trust = TrustConfig(listOf(created.issuerPublicKey), listOf("127.0.0.1"))
        val order = orderQrParseAndVerify(created.qrText, trust, System.currentTimeMillis().toULong() / 1000u)
        runBlocking {
            val installation = generateInstallationId()
            val session = claimOrder(order, installation)
            val view = session.view()
            expect(view.applicantMasked == "李*", view.applicantMasked)
            // Another installation is refused; this one claiming again (its answer lost) gets the same session.
            val other = expectThrows<SessionException.AlreadyClaimed> { runBlocking { claimOrder(order, generateInstallationId()) } }
            expect(other.code == "session.already_claimed", other.code)
            expect(claimOrder(order, installation).view().orderId == view.orderId, "claimed again")
            val folder = java.nio.file.Files.createTempDirectory("queue").toString()
            val queue = UploadQueue(folder, ByteArray(32) { it.toByte() })
            for (slot in view.slots) {
                queue.enqueue(session, slot.slot, ByteArray(200_000) { (it * 31).toByte() }, 1_795_000_000_000L, "pass", null)
            }
            expect(queue.pendingCount() == view.slots.size.toUInt(), "queued")
            val seen = java.util.Collections.synchronizedList(mutableListOf<ULong>())
            val summary = queue.drain(object : UploadProgress {
                override fun progress(entryId: String, sent: ULong, total: ULong) { seen.add(sent) }
            })
            expect(summary.failed.isEmpty() && summary.uploaded.size == view.slots.size, "$summary")
            expect(seen.isNotEmpty() && queue.pendingCount() == 0u, "progress $seen")
            session.refresh()
            expect(session.state() == SessionState.UPLOADED, "${session.state()}")
            expect(session.submit().status == OrderStatus.SUBMITTED, "submitted")
            val closed = expectThrows<SessionException.OrderClosed> { runBlocking { session.submit() } }
            expect(closed.messageZh.isNotEmpty(), "zh")
        }
        val bad = expectThrows<UploadException.Storage> { UploadQueue("/tmp", ByteArray(3)) }
        expect(bad.code == "upload.storage", bad.code)
    }
}
