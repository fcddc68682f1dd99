// The installation id for claimOrder: made once by the core and kept in the
// Keychain for this device only, so a restored backup on another phone does
// not claim as this one.
import Foundation
import IcpCompanion
import Security

/// This app installation's id for `claimOrder`.
public enum InstallationId {
    /// The id, made by the core and stored on first use.
    public static func load(service: String = "cn.icpfiling.companion.installation") throws -> String {
        let query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: "installation-id",
        ]
        var found: CFTypeRef?
        let status = SecItemCopyMatching(query.merging([kSecReturnData as String: true]) { $1 } as CFDictionary, &found)
        if status == errSecSuccess, let data = found as? Data, let id = String(data: data, encoding: .utf8) { return id }
        guard status == errSecItemNotFound else { throw KeychainError(status: status) }
        let id = try generateInstallationId()
        let added = SecItemAdd(query.merging([
            kSecValueData as String: Data(id.utf8),
            kSecAttrAccessible as String: kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly,
        ]) { $1 } as CFDictionary, nil)
        guard added == errSecSuccess else { throw KeychainError(status: added) }
        return id
    }
}
