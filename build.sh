#!/usr/bin/env bash
# The main job: build the ResNet101 sample. Writes samples/ResNet101/bin/Debug/net10.0/resnet101/{full_split,pairs_k2..K}.
# (When samples/ResNet101/resnet101.h5 is absent the build synthesizes one first and says so.)
set -euo pipefail
cd "$(dirname "$0")"
exec dotnet build samples/ResNet101 -nodeReuse:false "$@"
