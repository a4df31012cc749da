# The image edgetpu_compiler-docker.sh runs: Google's Edge TPU compiler from the Coral apt repository.
#   docker build --platform linux/amd64 -t modelbuild/edgetpu-compiler -f edgetpu-compiler.Dockerfile .
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl gnupg \
 && curl -fsSL https://packages.cloud.google.com/apt/doc/apt-key.gpg | gpg --dearmor -o /usr/share/keyrings/coral-edgetpu.gpg \
 && echo "deb [signed-by=/usr/share/keyrings/coral-edgetpu.gpg] https://packages.cloud.google.com/apt coral-edgetpu-stable main" > /etc/apt/sources.list.d/coral-edgetpu.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends edgetpu-compiler \
 && rm -rf /var/lib/apt/lists/*
ENTRYPOINT []
