#!/bin/sh
# Writes PgBouncer's auth file from the environment (compose passes the password from the env file),
# then runs PgBouncer in the foreground. The file lives on the container's tmpfs, never in the image
# or the repository. Passwords must not contain double quotes (use `openssl rand -hex 32`).
set -eu

: "${PGBOUNCER_USER:?PGBOUNCER_USER is not set}"
: "${PGBOUNCER_PASSWORD:?PGBOUNCER_PASSWORD is not set}"

umask 077
printf '"%s" "%s"\n' "$PGBOUNCER_USER" "$PGBOUNCER_PASSWORD" > /tmp/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
