#!/bin/sh
# Starts one Sentinel. Sentinel needs a config file it can rewrite, so the read-only template is copied
# into the sentinel's volume on its first start only: later starts keep what this sentinel learnt
# (current master after a failover, replicas, the other sentinels). The Redis password comes from the
# environment and is appended to the copy, never written into the repository.
set -eu

: "${REDIS_PASSWORD:?REDIS_PASSWORD is not set}"
conf=/data/sentinel.conf

if [ ! -s "$conf" ]; then
  cp /usr/local/etc/redis/sentinel.conf.template "$conf"
  printf 'sentinel auth-pass tp-capital-master %s\n' "$REDIS_PASSWORD" >> "$conf"
fi

# The image's entrypoint hands /data to the redis user and drops root before starting.
exec docker-entrypoint.sh redis-server "$conf" --sentinel
