# Image of Janus Gateway (Debian 12 package) with janus.plugin.buergerbuero only; config written from env at start.
# Build from the repository root: docker build -f docker/janus.Dockerfile .

# --- build stage (same as in docker/queue.Dockerfile) ---
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
 && apt-get install -y --no-install-recommends janus libwebsockets17 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin janus \
 && install -d -o janus -g janus /run/buergerbuero
COPY --from=build /out/usr/lib/buergerbuero/janus-plugins /usr/lib/buergerbuero/janus-plugins
COPY scripts/janus-config /usr/share/buergerbuero/scripts/janus-config
COPY scripts/lib /usr/share/buergerbuero/scripts/lib
COPY docker/lib/secrets.sh /usr/local/lib/buergerbuero/secrets.sh
COPY docker/janus-entrypoint.sh /usr/local/bin/janus-entrypoint
ENV BB_PLUGIN_SO=/usr/lib/buergerbuero/janus-plugins/libjanus_buergerbuero.so \
    BB_JANUS_WS_PORT=8188 BB_JANUS_HTTP_PORT=8088 BB_JANUS_ADMIN_PORT=7088
# The entrypoint starts as root only to read the secrets' files, then runs Janus as janus.
EXPOSE 8188 8088
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8088/janus/info || exit 1
ENTRYPOINT ["/usr/local/bin/janus-entrypoint"]
