# Image of the TLS front door: nginx from Debian 12 terminating HTTPS, proxying the API, live updates and Janus WebSocket.
# Build from the repository root: docker build -f docker/web.Dockerfile .
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx openssl gettext-base ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && rm -f /etc/nginx/sites-enabled/default
COPY docker/web/nginx.conf.template /etc/buergerbuero/nginx.conf.template
COPY docker/web/render-nginx-conf /usr/local/bin/render-nginx-conf
COPY docker/web/start /usr/share/buergerbuero/start
COPY docker/web/entrypoint.sh /usr/local/bin/web-entrypoint
EXPOSE 80 443
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1/nginx-health || exit 1
ENTRYPOINT ["/usr/local/bin/web-entrypoint"]
