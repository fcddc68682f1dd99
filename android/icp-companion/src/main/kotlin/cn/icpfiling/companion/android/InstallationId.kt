// The installation id for claimOrder, kept in no-backup storage: a restored
// backup on another phone must not claim as this one.
package cn.icpfiling.companion.android

import android.content.Context
import cn.icpfiling.companion.ktx.InstallationIdStore
import java.io.File

/** This app installation's id, made on first use. */
object InstallationId {
    fun load(context: Context): String =
        InstallationIdStore(File(context.noBackupFilesDir, "icp-installation-id")).id()
}
