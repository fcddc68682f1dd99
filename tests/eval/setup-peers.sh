#!/usr/bin/env bash
# Installs the peers that benchmarks and evaluations compare the core with
# (tests/eval/requirements-peers.txt: Pillow, zxing-cpp, numpy), pinned by hash, into
# target/test-deps/peers, and prints the Python to run them with:
#   eval "$(bash tests/eval/setup-peers.sh)"   # sets ICP_PEER_PYTHON
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
peers="$root/target/test-deps/peers"
if ! cmp -s "$root/tests/eval/requirements-peers.txt" "$peers/requirements.txt"; then
  echo "setup-peers: installing Pillow and zxing-cpp (PyPI) into target/test-deps/peers" >&2
  rm -rf "$peers"
  python3 -m venv "$peers" >&2
  if ! "$peers/bin/python" -m pip install -q --require-hashes --no-deps \
      -r "$root/tests/eval/requirements-peers.txt" >&2; then
    echo "error: could not get the PyPI packages of tests/eval/requirements-peers.txt (Pillow, zxing-cpp)" >&2
    exit 1
  fi
  cp "$root/tests/eval/requirements-peers.txt" "$peers/requirements.txt"
fi
echo "export ICP_PEER_PYTHON=$peers/bin/python"
