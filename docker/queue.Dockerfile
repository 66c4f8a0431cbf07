# Image of the queue service buergerbuero-queue: built from source on Debian 12, runs as the non-root user bb.
# Build from the repository root: docker build -f docker/queue.Dockerfile .

# --- build stage (same in docker/janus.Dockerfile, so the layer cache serves both images) ---
FROM debian:12 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      gcc meson ninja-build pkg-config ca-certificates \
      libglib2.0-dev libjansson-dev libwebsockets-dev libargon2-dev libssl-dev libpq-dev \
      libcurl4-openssl-dev libidn2-dev libldap-dev janus-dev nodejs \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN meson setup /build /src --prefix=/usr -Djanus_plugin_dir=/usr/lib/buergerbuero/janus-plugins \
 && ninja -C /build \
 && meson install -C /build --destdir /out --strip

# --- runtime ---
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libglib2.0-0 libjansson4 libwebsockets17 libargon2-1 libpq5 libssl3 libcurl4 libldap-2.5-0 \
      ca-certificates curl tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin bb
COPY --from=build /out/usr/bin/buergerbuero-queue /usr/bin/buergerbuero-queue
COPY sql /usr/share/buergerbuero/sql
COPY web-client /usr/share/buergerbuero/web-client
COPY docker/lib/secrets.sh /usr/local/lib/buergerbuero/secrets.sh
COPY docker/queue-entrypoint.sh /usr/local/bin/queue-entrypoint
COPY docker/queue-admin.sh /usr/local/bin/buergerbuero-queue
ENV BB_SQL_DIR=/usr/share/buergerbuero/sql \
    BB_STATIC_DIR=/usr/share/buergerbuero/web-client \
    BB_HTTP_BIND=0.0.0.0 BB_HTTP_PORT=8080 \
    BB_INTERNAL_BIND=0.0.0.0 BB_INTERNAL_PORT=8089
# The entrypoint starts as root only to read the secrets' files, then runs the service as bb.
EXPOSE 8080 8089
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/queue-entrypoint"]
