#!/bin/sh
# edgetpu_compiler in a container: Google's compiler exists for x86-64 Linux only, so on macOS, Windows (WSL2) or an
# ARM machine point EdgeTpuCompilerPath at this script ($(ModelBuildEdgeTpuDockerScript)). Recipe: docs/EDGETPU.md.
#
# ModelBuild passes absolute paths (the model and the -o folder, both in the model's work folder under obj/). The
# deepest folder holding all of them is mounted at the same path in the container, so no argument needs rewriting and
# the outputs land where ModelBuild expects them, owned by the calling user.
#   MODELBUILD_EDGETPU_IMAGE  the image with edgetpu_compiler on its PATH (default modelbuild/edgetpu-compiler, built
#                             from edgetpu-compiler.Dockerfile beside this script)
#   MODELBUILD_DOCKER         the docker command (default docker; podman works too)
set -eu
image="${MODELBUILD_EDGETPU_IMAGE:-modelbuild/edgetpu-compiler}"
docker="${MODELBUILD_DOCKER:-docker}"

work=""
for arg in "$@"; do
  case "$arg" in
    /*)
      if [ -d "$arg" ]; then dir="$arg"; else dir=$(dirname "$arg"); fi
      if [ -z "$work" ]; then work="$dir"; fi
      # Shorten the mount until it holds this path too.
      while [ "$work" != "/" ] && [ "$dir" != "$work" ] && [ "${dir#"$work"/}" = "$dir" ]; do work=$(dirname "$work"); done
      ;;
  esac
done
if [ -z "$work" ]; then work=$(pwd); fi

exec "$docker" run --rm --platform linux/amd64 --user "$(id -u):$(id -g)" \
  --volume "$work:$work" --workdir "$work" "$image" edgetpu_compiler "$@"
