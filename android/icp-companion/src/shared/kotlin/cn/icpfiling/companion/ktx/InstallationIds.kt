// This app installation's id for claiming orders: made once by the core,
// kept in a private file. Claiming again with the same id (an answer lost,
// the app killed) gives the same session back. Pure Kotlin; the Android
// adapter keeps the file in no-backup storage (InstallationId.kt).
package cn.icpfiling.companion.ktx

import cn.icpfiling.companion.generateInstallationId
import java.io.File
import java.nio.file.Files
import java.nio.file.StandardCopyOption

/** Keeps the installation id in [file], made on first use. */
class InstallationIdStore(private val file: File) {
    /** The id: read from the file, or made and stored on first use. */
    @Synchronized
    fun id(): String {
        if (file.exists()) return file.readText().trim()
        val id = generateInstallationId()
        file.parentFile?.mkdirs()
        val temporary = File(file.path + ".tmp")
        temporary.writeText(id)
        Files.move(temporary.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE)
        return id
    }
}
