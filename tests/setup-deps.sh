#!/usr/bin/env bash
# Installs what the binding tests need, from reachable registries, and caches
# downloads under target/test-deps so a second run fetches nothing:
#   JNA (Debian libjna-java), JUnit 4 (Debian junit4), the Kotlin compiler (npm kotlin-compiler),
#   kotlinx-coroutines-core (from the PyPI wheel kotlin-jupyter-kernel; Apache-2.0),
#   photos of people for the face tests (npm @vladmandic/face-api, PyPI scikit-image),
#   a stock tus server for the upload tests (npm @tus/server, @tus/file-store).
# Prints the environment variables the runners use.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
deps="$root/target/test-deps"
mkdir -p "$deps"

if [ ! -f /usr/share/java/jna.jar ] || [ ! -f /usr/share/java/junit4.jar ]; then
  echo "installing libjna-java and junit4" >&2
  (apt-get update -qq && apt-get install -y -qq libjna-java junit4) >&2
fi

kotlin_version=2.4.20
if [ ! -x "$deps/kotlinc/bin/kotlinc" ]; then
  echo "fetching kotlin-compiler $kotlin_version from npm" >&2
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "kotlin-compiler@$kotlin_version" >/dev/null && tar xzf kotlin-compiler-*.tgz)
  rm -rf "$deps/kotlinc" && mv "$tmp/package" "$deps/kotlinc"
  chmod +x "$deps/kotlinc/bin/"*
  rm -rf "$tmp"
fi

if [ ! -f "$deps/kotlinx-coroutines.jar" ]; then
  echo "extracting kotlinx-coroutines-core from the kotlin-jupyter-kernel wheel (PyPI)" >&2
  tmp=$(mktemp -d)
  python3 -m pip download -q --no-deps -d "$tmp" "kotlin-jupyter-kernel==0.19.0.944" >&2
  (cd "$tmp" && python3 -m zipfile -e kotlin_jupyter_kernel-*.whl wheel >/dev/null)
  fat=$(find "$tmp/wheel" -name 'kotlin-jupyter-kernel-*-all.jar' | head -n 1)
  mkdir -p "$tmp/co" && (cd "$tmp/co" && unzip -q "$fat" 'kotlinx/coroutines/*' \
      'META-INF/kotlinx-coroutines-core.kotlin_module' 'META-INF/kotlinx_coroutines_core.version')
  (cd "$tmp/co" && jar cf "$deps/kotlinx-coroutines.jar" .)
  rm -rf "$tmp"
fi

# Photos of people (and none) for the face-detection tests: the demo photos
# of npm @vladmandic/face-api 1.7.15 (MIT) and scikit-image's bundled
# astronaut, coffee and chelsea (BSD-3 / public domain). Never committed.
if [ ! -f "$deps/faces/astronaut.png" ]; then
  echo "fetching face test photos (npm @vladmandic/face-api, PyPI scikit-image)" >&2
  tmp=$(mktemp -d)
  mkdir -p "$deps/faces"
  (cd "$tmp" && npm pack --silent "@vladmandic/face-api@1.7.15" >/dev/null \
      && tar xzf vladmandic-face-api-1.7.15.tgz package/demo)
  cp "$tmp"/package/demo/sample[1-6].jpg "$deps/faces/"
  python3 -m pip download -q --no-deps --only-binary=:all: -d "$tmp" "scikit-image==0.26.0" >&2
  (cd "$tmp" && python3 -m zipfile -e scikit_image-*.whl skimage-wheel >/dev/null)
  cp "$tmp"/skimage-wheel/skimage/data/{astronaut,coffee,chelsea}.png "$deps/faces/"
  rm -rf "$tmp"
fi

# A stock tus server for the upload tests (npm @tus/server 2.4.5 with
# @tus/file-store 2.1.1, MIT), run by node from tests/tus/server.mjs.
if [ ! -d "$deps/tus/node_modules/@tus/server" ]; then
  echo "installing @tus/server and @tus/file-store (npm)" >&2
  mkdir -p "$deps/tus"
  cp "$root/tests/tus/server.mjs" "$deps/tus/"
  (cd "$deps/tus" && npm install --silent --no-audit --no-fund \
      "@tus/server@2.4.5" "@tus/file-store@2.1.1" >&2)
fi
cp "$root/tests/tus/server.mjs" "$deps/tus/server.mjs"

echo "ICP_FACE_PHOTOS=$deps/faces"
echo "ICP_TUS_SERVER=$deps/tus/server.mjs"
echo "KOTLINC=$deps/kotlinc/bin/kotlinc"
echo "KOTLIN_STDLIB=$deps/kotlinc/lib/kotlin-stdlib.jar"
echo "JNA_JAR=/usr/share/java/jna.jar"
echo "JUNIT_JARS=/usr/share/java/junit4.jar:/usr/share/java/hamcrest-core.jar"
echo "COROUTINES_JAR=$deps/kotlinx-coroutines.jar"
