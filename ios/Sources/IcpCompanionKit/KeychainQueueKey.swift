// The upload queue's key, kept in the Keychain.
import Foundation
import Security

/// The Keychain could not give or store the queue key.
public struct KeychainError: Error, Equatable {
    /// The `OSStatus` the Keychain returned.
    public let status: OSStatus
}

/// The 32-byte key that encrypts the upload queue, made on first use and
/// kept in the Keychain for this device only (never in backups), readable
/// after the first unlock so uploads can resume in the background.
public enum KeychainQueueKey {
    /// The key, created if there is none yet.
    public static func load(service: String = "cn.icpfiling.companion.queue") throws -> Data {
        let query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: "queue-key",
        ]
        var found: CFTypeRef?
        let status = SecItemCopyMatching(query.merging([kSecReturnData as String: true]) { $1 } as CFDictionary, &found)
        if status == errSecSuccess, let key = found as? Data, key.count == 32 { return key }
        guard status == errSecItemNotFound else { throw KeychainError(status: status) }
        var key = Data(count: 32)
        let random = key.withUnsafeMutableBytes { SecRandomCopyBytes(kSecRandomDefault, 32, $0.baseAddress!) }
        guard random == errSecSuccess else { throw KeychainError(status: random) }
        let added = SecItemAdd(query.merging([
            kSecValueData as String: key,
            kSecAttrAccessible as String: kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly,
        ]) { $1 } as CFDictionary, nil)
        guard added == errSecSuccess else { throw KeychainError(status: added) }
        return key
    }
}
