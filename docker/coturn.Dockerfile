# Image of the TURN server (coturn from Debian 12) for citizens behind restrictive firewalls; config rendered from env.
# Build from the repository root: docker build -f docker/coturn.Dockerfile .
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends coturn ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY docker/coturn/entrypoint.sh /usr/local/bin/coturn-entrypoint
EXPOSE 3478/udp 3478/tcp 5349/tcp
ENTRYPOINT ["/usr/local/bin/coturn-entrypoint"]
