#!/usr/bin/env bash
# Every measurement of docs/PERFORMANCE.md, one after the other (about 15 minutes on a quiet 2-core machine):
#   bash bench/run.sh                  all of them
#   bash bench/run.sh float build      only these (float int8 build noop scaling layers targets cache zoo)
# Each command's output (with the load average at its start and end) goes to the console and to
# artifacts/bench/results/<UTC date-time>/<command>.txt. Run it on a quiet machine: other work on the cores
# slows TFLite's XNNPACK (spinning thread pool) far more than the .NET side, so ratios under load mean little.
set -euo pipefail
cd "$(dirname "$0")/.."
commands=("$@")
[ ${#commands[@]} -eq 0 ] && commands=(float int8 build noop scaling layers)
dotnet build bench/ModelBuild.Bench -c Release -nodeReuse:false -v:q -nologo
out="artifacts/bench/results/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
for c in "${commands[@]}"; do
  echo "== $c"
  dotnet bench/ModelBuild.Bench/bin/Release/net10.0/ModelBuild.Bench.dll "$c" 2>&1 \
    | grep --line-buffered -v '^INFO: Created TensorFlow Lite XNNPACK delegate' | tee "$out/$c.txt"
done
echo "results in $out"
