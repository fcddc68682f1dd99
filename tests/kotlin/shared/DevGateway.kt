// The development gateway as the JVM tests use it (tests/run-bindings.sh
// starts it and sets ICP_DEV_GATEWAY).
package cn.icpfiling.companion.testing

import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse

/** An order created on the development gateway: its QR text and the issuer key that signed it. */
data class DevOrder(val qrText: String, val issuerPublicKey: String)

/** Creates an order on the gateway at [gateway] from its JSON description (province_code, subject, applicant, domains). */
fun createDevOrder(gateway: String, json: String): DevOrder {
    val request = HttpRequest.newBuilder(URI.create("$gateway/dev/orders"))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build()
    val created = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body()
    fun field(name: String) = Regex("\"$name\":\"([^\"]+)\"").find(created)?.groupValues?.get(1)
        ?: throw AssertionError("no $name in the gateway's answer: $created")
    return DevOrder(field("qr_text"), field("issuer_public_key"))
}
