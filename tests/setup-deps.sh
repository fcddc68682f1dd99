#!/usr/bin/env bash
# Installs everything the test suite needs, before anything needs it, once per
# suite, and writes the environment the runners use to target/test-deps/env.sh:
#   Debian packages: clang and llvm (the C parts of ring and nokhwa's bindgen,
#     the Android compile check), the aarch64 cross compiler, libc headers and
#     qemu-user (the core's tests on the phones' CPU), JNA, JUnit 4 and the
#     JUnit Platform console (JUnit 5) for the Kotlin tests;
#   Rust targets aarch64-linux-android and aarch64-unknown-linux-gnu (rustup);
#   the Kotlin compiler (npm kotlin-compiler), kotlinx-coroutines-core (from the
#     PyPI wheel kotlin-jupyter-kernel, Apache-2.0), pytest (PyPI, in a venv),
#     the reference TensorFlow Lite runtime (PyPI tflite-runtime, in a venv);
#   photos of people for the face tests (npm @vladmandic/face-api, PyPI
#     scikit-image) and a stock tus server (npm @tus/server, from a lock file);
#   the PP-OCRv4 text models (PyPI rapidocr-onnxruntime) and, drawn with the
#     Debian fonts fonts-wqy-microhei and fonts-ocr-b in the peers' Pillow,
#     the document reading corpus.
# Every download is pinned by version and checked against its sha256 (npm
# lock files: their sha512 integrity); downloads are cached under
# target/test-deps, so a second run fetches nothing. A step that cannot get its
# package stops the suite with one line naming it; the tool's output is kept
# in target/test-deps/logs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
deps="$root/target/test-deps"
logs="$deps/logs"
mkdir -p "$deps" "$logs"

fail() {
  echo "error: $*" >&2
  exit 1
}

# Runs "$@" with its output in logs/$1.log; on failure, one line that names
# what could not be had, and where the details are.
quietly() {
  local what=$1 log="$logs/$2.log"
  shift 2
  if ! "$@" >"$log" 2>&1; then
    fail "could not get $what (details: $log)"
  fi
}

# Checks that $1 has the sha256 $2.
verify() {
  local actual
  actual=$(sha256sum "$1" | cut -d' ' -f1)
  [ "$actual" = "$2" ] || fail "$(basename "$1"): sha256 $actual, expected $2 (a changed or damaged download)"
}

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

debian_packages=(clang llvm libc6-dev-arm64-cross gcc-aarch64-linux-gnu qemu-user
  libjna-java junit4 junit5 curl jq fonts-wqy-microhei fonts-ocr-b)
missing=()
for p in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages ${missing[*]}"
  quietly "the Debian packages ${missing[*]}" apt \
    bash -c "$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends ${missing[*]}"
fi

rust_targets=(aarch64-linux-android aarch64-unknown-linux-gnu)
installed=$(rustup target list --installed)
for t in "${rust_targets[@]}"; do
  if ! grep -qx "$t" <<<"$installed"; then
    echo "setup: adding the Rust target $t"
    quietly "the Rust standard library for $t (rustup target add $t)" "rustup-$t" rustup target add "$t"
  fi
done

# npm_fetch NAME VERSION SHA256: the package's tarball, checked, unpacked into $tmp/package.
npm_fetch() {
  local name=$1 version=$2 sha=$3 tarball
  tarball=$(echo "$name" | sed 's/^@//; s#/#-#')-$version.tgz
  quietly "the npm package $name@$version" "npm-$(basename "$name")" \
    bash -c "cd '$tmp' && npm pack --silent '$name@$version'"
  verify "$tmp/$tarball" "$sha"
  tar xzf "$tmp/$tarball" -C "$tmp"
}

# pip_fetch REQUIREMENT SHA256 [pip download options]: the wheel, checked, into $tmp.
pip_fetch() {
  local requirement=$1 sha=$2
  shift 2
  echo "$requirement --hash=sha256:$sha" >"$tmp/requirement.txt"
  quietly "the PyPI package $requirement" "pip-${requirement%%=*}" \
    python3 -m pip download --no-deps --require-hashes -d "$tmp" "$@" -r "$tmp/requirement.txt"
}

kotlin_version=2.4.20
if [ ! -x "$deps/kotlinc/bin/kotlinc" ]; then
  echo "setup: fetching the Kotlin compiler $kotlin_version (npm kotlin-compiler)"
  tmp=$(mktemp -d)
  npm_fetch kotlin-compiler "$kotlin_version" c23dab400d7ce5ea8b6c909947c0ca5454189e4bb1108695b5f464500e5e950f
  rm -rf "$deps/kotlinc" && mv "$tmp/package" "$deps/kotlinc"
  chmod +x "$deps/kotlinc/bin/"*
  rm -rf "$tmp"
fi

if [ ! -f "$deps/kotlinx-coroutines.jar" ]; then
  echo "setup: extracting kotlinx-coroutines-core from the kotlin-jupyter-kernel wheel (PyPI)"
  tmp=$(mktemp -d)
  pip_fetch kotlin-jupyter-kernel==0.19.0.944 dc654a426a28e6621aeb0bd7772d268a9a877aabae4a17b73383752a416281a3
  (cd "$tmp" && python3 -m zipfile -e kotlin_jupyter_kernel-*.whl wheel >/dev/null)
  fat=$(find "$tmp/wheel" -name 'kotlin-jupyter-kernel-*-all.jar' | head -n 1)
  [ -n "$fat" ] || fail "the kotlin-jupyter-kernel wheel holds no kotlin-jupyter-kernel-*-all.jar"
  mkdir -p "$tmp/co"
  (cd "$tmp/co" && unzip -q "$fat" 'kotlinx/coroutines/*' \
    'META-INF/kotlinx-coroutines-core.kotlin_module' 'META-INF/kotlinx_coroutines_core.version')
  (cd "$tmp/co" && jar cf "$deps/kotlinx-coroutines.jar.part" . && mv "$deps/kotlinx-coroutines.jar.part" "$deps/kotlinx-coroutines.jar")
  rm -rf "$tmp"
fi

# pytest in a venv of its own: the Python binding tests' runner (JUnit XML report).
if [ ! -x "$deps/venv/bin/pytest" ]; then
  echo "setup: installing pytest (PyPI) into target/test-deps/venv"
  rm -rf "$deps/venv"
  quietly "a Python venv (python3 -m venv)" venv python3 -m venv "$deps/venv"
  quietly "the PyPI packages in tests/python/requirements.txt" pip-pytest \
    "$deps/venv/bin/python" -m pip install --require-hashes --no-deps -r "$root/tests/python/requirements.txt"
fi

# The reference TensorFlow Lite runtime (PyPI tflite-runtime 2.14.0 with
# numpy 1.26.4, Apache-2.0 / BSD-3) in a venv of its own: the CNN's golden
# test runs BlazeFace through it on the same inputs (x86_64 wheels; the
# aarch64 run calls the same x86_64 Python from under qemu).
if [ ! -x "$deps/tflite/bin/python" ]; then
  echo "setup: installing tflite-runtime (PyPI) into target/test-deps/tflite"
  tmp=$(mktemp -d)
  pip_fetch tflite-runtime==2.14.0 195ab752e7e57329a68e54dd3dd5439fad888b9bff1be0f0dc042a3237a90e4d \
    --only-binary=:all: --platform manylinux2014_x86_64 --python-version 3.11 --implementation cp --abi cp311
  pip_fetch numpy==1.26.4 666dbfb6ec68962c033a450943ded891bed2d54e6755e35e5835d63f4f6931d5 \
    --only-binary=:all: --platform manylinux2014_x86_64 --python-version 3.11 --implementation cp --abi cp311
  rm -rf "$deps/tflite.part"
  quietly "a Python venv (python3 -m venv)" venv-tflite python3 -m venv "$deps/tflite.part"
  quietly "the tflite-runtime and numpy wheels" pip-tflite \
    "$deps/tflite.part/bin/python" -m pip install --no-deps --no-index "$tmp"/*.whl
  rm -rf "$deps/tflite" && mv "$deps/tflite.part" "$deps/tflite"
  rm -rf "$tmp"
fi

# Photos of people (and none) for the face-detection tests: the demo photos
# of npm @vladmandic/face-api 1.7.15 (MIT) and scikit-image's bundled
# astronaut, coffee and chelsea (BSD-3 / public domain). Never committed.
if [ ! -f "$deps/faces/astronaut.png" ]; then
  echo "setup: fetching face test photos (npm @vladmandic/face-api, PyPI scikit-image)"
  tmp=$(mktemp -d)
  mkdir -p "$deps/faces.part"
  npm_fetch @vladmandic/face-api 1.7.15 0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031
  cp "$tmp"/package/demo/sample[1-6].jpg "$deps/faces.part/"
  # The x86_64 wheel wherever this runs: only its bundled data files are used.
  pip_fetch scikit-image==0.26.0 74aa5518ccea28121f57a95374581d3b979839adc25bb03f289b1bc9b99c58af \
    --only-binary=:all: --platform manylinux_2_28_x86_64 --python-version 3.11 --implementation cp --abi cp311
  (cd "$tmp" && python3 -m zipfile -e scikit_image-*.whl skimage-wheel >/dev/null)
  cp "$tmp"/skimage-wheel/skimage/data/{astronaut,coffee,chelsea}.png "$deps/faces.part/"
  rm -rf "$deps/faces" && mv "$deps/faces.part" "$deps/faces"
  rm -rf "$tmp"
fi

# A stock tus server for the upload tests (npm @tus/server with
# @tus/file-store, MIT), installed from tests/tus/package-lock.json (each
# package checked against the lock file's sha512), run by node from server.mjs.
tus="$deps/tus"
if ! cmp -s "$root/tests/tus/package-lock.json" "$tus/package-lock.json" || [ ! -d "$tus/node_modules/@tus/server" ]; then
  echo "setup: installing @tus/server and @tus/file-store (npm, tests/tus/package-lock.json)"
  rm -rf "$tus" && mkdir -p "$tus"
  cp "$root/tests/tus/package.json" "$root/tests/tus/package-lock.json" "$tus/"
  quietly "the npm packages of tests/tus/package-lock.json (@tus/server, @tus/file-store)" npm-tus \
    bash -c "cd '$tus' && npm ci --no-audit --no-fund"
fi
cp "$root/tests/tus/server.mjs" "$tus/server.mjs"

# The PP-OCRv4 text models (PyPI rapidocr-onnxruntime 1.4.4, Apache-2.0),
# extracted by the project's script, for the document reading tests.
models="$root/target/models/ppocr"
if [ ! -f "$models/NOTICE" ]; then
  echo "setup: extracting the PP-OCRv4 models from the rapidocr-onnxruntime wheel (PyPI)"
  quietly "the PyPI package rapidocr-onnxruntime" ppocr \
    bash "$root/rust-core/data/extract_ppocr_models.sh" "$models"
fi

# Documents drawn with their fields (tests/eval/make_reading_corpus.py, in
# the peers' Python: Pillow, numpy) for the document reading test.
corpus="$deps/reading-corpus"
if [ ! -f "$corpus/labels.tsv" ]; then
  echo "setup: drawing the document reading corpus"
  peer_python=$(bash "$root/tests/eval/setup-peers.sh" 2>"$logs/peers.log" | sed -n 's/^export ICP_PEER_PYTHON=//p')
  [ -n "$peer_python" ] || fail "could not get the peers' PyPI packages (details: $logs/peers.log)"
  rm -rf "$corpus.part"
  quietly "the document reading corpus" reading-corpus "$peer_python" \
    "$root/tests/eval/make_reading_corpus.py" "$corpus.part" --seed 7 --count 2 \
    --font /usr/share/fonts/truetype/wqy/wqy-microhei.ttc --mono /usr/share/fonts/opentype/ocr-b/OCRB.otf
  mv "$corpus.part" "$corpus"
fi

cat >"$deps/env.sh" <<EOF
export ICP_FACE_PHOTOS=$deps/faces
export ICP_TUS_SERVER=$tus/server.mjs
export KOTLINC=$deps/kotlinc/bin/kotlinc
export KOTLIN_STDLIB=$deps/kotlinc/lib/kotlin-stdlib.jar
export JNA_JAR=/usr/share/java/jna.jar
export JUNIT_JARS=/usr/share/java/junit4.jar:/usr/share/java/hamcrest-core.jar
export JUNIT_CONSOLE=/usr/share/java/junit-platform-console-standalone.jar
export COROUTINES_JAR=$deps/kotlinx-coroutines.jar
export PYTEST=$deps/venv/bin/pytest
export ICP_TFLITE_PYTHON=$deps/tflite/bin/python
export ICP_OCR_MODELS=$models
export ICP_READING_CORPUS=$corpus
export ICP_TEST_DEPS_READY=1
EOF
echo "setup: ready (target/test-deps/env.sh)"
