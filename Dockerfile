# Sunday's container image, in three stages:
#   1. web    — Node builds the web app (web/dist) from web/ and openapi.json;
#   2. build  — Rust builds the `sunday` binary, which embeds web/dist at compile time;
#   3. the runtime: Debian slim with the binary alone, run as a non-root user (uid 10001).
#
#   docker build -t sunday:dev .
#   docker run -p 8080:8080 -v sunday-data:/data sunday:dev          # embedded SQLite in /data
#   docker run -e SUNDAY_STORE__URL=postgres://… sunday:dev migrate  # any subcommand works
#
# The image sets only settings that exist (Sunday refuses unknown SUNDAY_* variables):
# SUNDAY_DATA_DIR, SUNDAY_LISTEN and SUNDAY_LOG__FORMAT. There is no HEALTHCHECK: the slim
# image has no HTTP client and the binary no probe command; orchestrators probe /health and
# /ready over HTTP (deploy/k8s does).
ARG NODE_VERSION=20
ARG RUST_VERSION=1.95

FROM node:${NODE_VERSION}-bookworm AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
# `npm run build` generates the API types from ../openapi.json, type-checks, then bundles.
COPY openapi.json /src/openapi.json
COPY web/ ./
RUN npm run build

FROM rust:${RUST_VERSION}-bookworm AS build
WORKDIR /src
# Every workspace member must be present for cargo to read the workspace (bench/harness is one).
COPY Cargo.toml Cargo.lock ./
# SQLite's build flags (the backup's paced page reader needs sqlite_dbpage).
COPY .cargo .cargo
COPY crates crates
COPY bench/harness bench/harness
COPY --from=web /src/web/dist web/dist
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p sunday \
    && install -D -m 0755 target/release/sunday /out/sunday

FROM debian:bookworm-slim
# ca-certificates is left unpinned on purpose: it should be the archive's current one.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 sunday \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin sunday \
    && mkdir -p /data \
    && chown 10001:10001 /data
COPY --from=build /out/sunday /usr/local/bin/sunday
ENV SUNDAY_DATA_DIR=/data \
    SUNDAY_LISTEN=0.0.0.0:8080 \
    SUNDAY_LOG__FORMAT=json
# Sunday reads ./sunday.toml when present: the working directory is the data volume, so a
# sunday.toml placed there (or mounted with SUNDAY_CONFIG=/path) configures the container.
WORKDIR /data
VOLUME ["/data"]
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["sunday"]
CMD ["serve"]
