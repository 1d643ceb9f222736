#!/usr/bin/env bash
# Generates the Python modules `pledge` (pledge.thrift) and `enrollment` (the demo's services) with
# Apache Thrift's compiler into OUT_DIR (default: examples/python/build/gen-py). Never committed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/examples/python/build/gen-py}"
mkdir -p "$out"
# -r also generates the included pledge.thrift; -I finds it, as the Maven build does.
thrift -r --gen py -I "$root/thrift/src/main/thrift" -out "$out" \
  "$root/student-course-demo/src/main/thrift/enrollment.thrift"
echo "generated Python modules pledge and enrollment in $out"
