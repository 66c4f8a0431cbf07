# Image of the TURN server (coturn from Debian 12) for citizens behind restrictive firewalls; config rendered from env.
# Build from the repository root: docker build -f docker/coturn.Dockerfile .
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends coturn ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY docker/lib/secrets.sh /usr/local/lib/buergerbuero/secrets.sh
COPY docker/coturn/render-turnserver-conf /usr/local/bin/render-turnserver-conf
COPY docker/coturn/entrypoint.sh /usr/local/bin/coturn-entrypoint
EXPOSE 3478/udp 3478/tcp 5349/tcp
# A STUN binding request to the local listener: answers while coturn serves (docs/operations.md, "Health").
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
  CMD turnutils_stunclient 127.0.0.1 >/dev/null || exit 1
ENTRYPOINT ["/usr/local/bin/coturn-entrypoint"]
