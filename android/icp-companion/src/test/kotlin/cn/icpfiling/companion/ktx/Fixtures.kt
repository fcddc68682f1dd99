package cn.icpfiling.companion.ktx

import cn.icpfiling.companion.AdminPhotoFlow
import cn.icpfiling.companion.DocumentKind
import cn.icpfiling.companion.OrderPayload
import cn.icpfiling.companion.Province
import cn.icpfiling.companion.Requirements
import cn.icpfiling.companion.SubjectType

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
