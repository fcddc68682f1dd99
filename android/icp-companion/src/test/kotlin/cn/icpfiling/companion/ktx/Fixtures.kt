package cn.icpfiling.companion.ktx

import cn.icpfiling.companion.protocol.AdminPhotoFlow
import cn.icpfiling.companion.protocol.DocumentKind
import cn.icpfiling.companion.protocol.OrderPayload
import cn.icpfiling.companion.protocol.Province
import cn.icpfiling.companion.protocol.Requirements
import cn.icpfiling.companion.protocol.SubjectType

/** The tests' clock: seconds since the epoch. */
const val NOW: ULong = 1_795_000_000uL

/** A Shanghai organisation's order, valid for ten minutes after [NOW]. */
fun samplePayload() = OrderPayload(
    orderId = "ICP-AND-0001",
    gateway = "https://gw.beian.example.cn",
    claimToken = ByteArray(16) { it.toByte() },
    expiresAt = NOW + 600uL,
    province = Province.SHANGHAI,
    subject = SubjectType.ORGANISATION,
    requirements = Requirements(
        documents = listOf(DocumentKind.OWNER_ID),
        adminPhoto = AdminPhotoFlow.BACKDROP,
        inRegionVerification = true,
    ),
)
