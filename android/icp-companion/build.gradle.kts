// The Android library: the core built for arm64-v8a, armeabi-v7a and
// x86_64 with cargo-ndk, its Kotlin bindings generated from that build
// (UniFFI library mode), and the idiomatic layer in src/shared (pure
// Kotlin, also compiled and tested on the JVM by tests/run-bindings.sh)
// and src/main (the few android.* adapters).
import org.gradle.api.tasks.Exec

plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
    `maven-publish`
}

val repo: File = rootDir.parentFile
val jniOut = layout.buildDirectory.dir("rustJniLibs")
val bindingsOut = layout.buildDirectory.dir("generated/uniffi")
val abis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")
val cargoProfile = providers.gradleProperty("icpCargoProfile").getOrElse("release")

android {
    namespace = "cn.icpfiling.companion"
    compileSdk = 35
    defaultConfig {
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
        ndk { abiFilters += abis }
    }
    sourceSets {
        getByName("main") {
            kotlin.srcDirs("src/shared/kotlin", bindingsOut)
            jniLibs.srcDir(jniOut)
        }
        getByName("test") {
            kotlin.srcDir(File(repo, "tests/kotlin/shared"))
        }
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions { jvmTarget = "17" }
    publishing { singleVariant("release") { withSourcesJar() } }
    testOptions { unitTests.all { it.systemProperty("jna.library.path", File(repo, "target/release").path) } }
}

// cargo-ndk (cargo install cargo-ndk) with ANDROID_NDK_HOME set: one
// shared library per ABI under build/rustJniLibs/<abi>/libicp_companion.so.
val cargoNdk by tasks.registering(Exec::class) {
    group = "rust"
    description = "Builds libicp_companion.so for ${abis.joinToString()}"
    workingDir = repo
    val targets = abis.flatMap { listOf("-t", it) }
    commandLine(
        listOf("cargo", "ndk") + targets +
            listOf("--platform", "24", "-o", jniOut.get().asFile.path, "build", "-p", "icp-companion-ffi", "--lib") +
            (if (cargoProfile == "release") listOf("--release") else emptyList()),
    )
    inputs.dir(File(repo, "rust-core"))
    inputs.file(File(repo, "Cargo.lock"))
    outputs.dir(jniOut)
}

// The Kotlin bindings, read from the arm64 library's UniFFI metadata.
val generateBindings by tasks.registering(Exec::class) {
    group = "rust"
    description = "Generates the UniFFI Kotlin bindings"
    dependsOn(cargoNdk)
    workingDir = repo
    commandLine(
        "cargo", "run", "-q", "-p", "uniffi-bindgen", "--", "generate",
        "--library", jniOut.get().file("arm64-v8a/libicp_companion.so").asFile.path,
        "--language", "kotlin", "--config", "uniffi.toml", "--no-format",
        "--out-dir", bindingsOut.get().asFile.path,
    )
    inputs.dir(jniOut)
    outputs.dir(bindingsOut)
}

// Unit tests run on the development machine's JVM against its own build.
val hostLibrary by tasks.registering(Exec::class) {
    group = "rust"
    description = "Builds the core for this machine (JVM unit tests)"
    workingDir = repo
    commandLine("cargo", "build", "--release", "-p", "icp-companion-ffi", "--lib")
}

tasks.named("preBuild") { dependsOn(generateBindings) }
tasks.withType<Test>().configureEach { dependsOn(hostLibrary) }

dependencies {
    api("net.java.dev.jna:jna:5.15.0@aar")
    // The Kotlin half of rustls-platform-verifier (PlatformTls), from the
    // Maven repository inside the crate (settings.gradle.kts); cargo keeps
    // its version in step with the Rust crate's.
    implementation("rustls:rustls-platform-verifier:latest.release")
    api("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.9.0")
    implementation("androidx.camera:camera-core:1.4.1")
    testImplementation("junit:junit:4.13.2")
    testImplementation("net.java.dev.jna:jna:5.15.0")
}

publishing {
    publications {
        register<MavenPublication>("release") {
            groupId = "cn.icpfiling"
            artifactId = "icp-companion"
            version = "0.1.0"
            afterEvaluate { from(components["release"]) }
        }
    }
}
