// The sample app: scan the order QR, show the order, capture the documents
// and the administrator photo with live guidance, check the Shanghai
// location, upload with progress, submit.
plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "cn.icpfiling.companion.sample"
    compileSdk = 35
    defaultConfig {
        applicationId = "cn.icpfiling.companion.sample"
        minSdk = 24
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        // The issuer key and gateway hosts the sample trusts: by default the
        // development gateway reached through `adb reverse tcp:8765 tcp:8765`
        // (pass -PicpIssuerKey=HEX); a real app ships its filing platform's.
        buildConfigField("String", "ISSUER_KEY", "\"${providers.gradleProperty("icpIssuerKey").getOrElse("")}\"")
        buildConfigField("String", "GATEWAY_HOSTS", "\"${providers.gradleProperty("icpGatewayHosts").getOrElse("127.0.0.1")}\"")
    }
    buildFeatures { buildConfig = true }
    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"))
        }
    }
    sourceSets {
        getByName("main") { kotlin.srcDir("src/shared/kotlin") }
        getByName("test") { kotlin.srcDir(File(rootDir.parentFile, "tests/kotlin/shared")) }
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions { jvmTarget = "17" }
}

dependencies {
    implementation(project(":icp-companion"))
    implementation("androidx.appcompat:appcompat:1.7.0")
    implementation("androidx.lifecycle:lifecycle-runtime-ktx:2.8.7")
    implementation("androidx.camera:camera-camera2:1.4.1")
    implementation("androidx.camera:camera-lifecycle:1.4.1")
    implementation("androidx.camera:camera-view:1.4.1")
    testImplementation("junit:junit:4.13.2")
    testImplementation("net.java.dev.jna:jna:5.15.0")
}
