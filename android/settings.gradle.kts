// The Android library (:icp-companion) and the sample app (:sample).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
// rustls-platform-verifier ships its Kotlin half as a Maven repository inside
// the crate's sources: `cargo metadata` says where cargo unpacked it.
fun rustlsPlatformVerifierRepository(): File {
    val metadata = providers.exec {
        workingDir = settingsDir.parentFile
        commandLine(
            "cargo", "metadata", "--format-version", "1", "--filter-platform", "aarch64-linux-android",
            "--manifest-path", File(settingsDir.parentFile, "rust-core/ffi/Cargo.toml").path,
        )
    }.standardOutput.asText.get()
    @Suppress("UNCHECKED_CAST")
    val packages = (groovy.json.JsonSlurper().parseText(metadata) as Map<String, Any>)["packages"] as List<Map<String, Any>>
    val manifest = packages.first { it["name"] == "rustls-platform-verifier-android" }["manifest_path"] as String
    return File(File(manifest).parentFile, "maven")
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
        maven {
            url = uri(rustlsPlatformVerifierRepository())
            metadataSources { artifact() }
        }
    }
}
rootProject.name = "icp-companion-android"
include(":icp-companion", ":sample")
