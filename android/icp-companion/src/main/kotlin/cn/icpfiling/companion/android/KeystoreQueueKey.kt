// The upload queue's key, wrapped by an Android Keystore key.
package cn.icpfiling.companion.android

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import cn.icpfiling.companion.ktx.QueueKeyStore
import java.io.File
import java.security.KeyStore
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey

/** Where the queue key lives: wrapped in no-backup storage, under a Keystore key. */
object KeystoreQueueKey {
    private const val ALIAS = "cn.icpfiling.companion.queue"

    /**
     * The 32-byte key for `UploadQueue`, made on first use. The file is kept
     * out of backups (a restored copy could not be unwrapped on another
     * device anyway); the wrapping AES-256-GCM key never leaves the Keystore.
     */
    fun load(context: Context): ByteArray =
        QueueKeyStore(File(context.noBackupFilesDir, "icp-companion-queue.key"), ::wrappingKey).key()

    private fun wrappingKey(): SecretKey {
        val store = KeyStore.getInstance("AndroidKeyStore").apply { load(null) }
        (store.getKey(ALIAS, null) as SecretKey?)?.let { return it }
        val spec = KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .build()
        return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, "AndroidKeyStore").apply { init(spec) }.generateKey()
    }
}
