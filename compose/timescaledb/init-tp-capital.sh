#!/bin/sh
# Runs once, when the postgres entrypoint initialises an empty data directory (after the image's own
# scripts have created the timescaledb extension in tp_capital_db). Creates the app's role: it owns
# tp_capital_db (so the migrations can create schemas and hypertables) and is not a superuser.
#
# Role settings are backstops: the app bounds every transaction itself with SET LOCAL statement_timeout
# (DB_STATEMENT_TIMEOUT_MS, default 5 s) and the migrations lift it with SET LOCAL; these catch a
# statement or an idle transaction nobody bounded, e.g. from a psql session.
set -eu

: "${TP_CAPITAL_DB_PASSWORD:?TP_CAPITAL_DB_PASSWORD is not set}"

# The password goes in as a psql variable (:'password' quotes it), never spliced into the SQL text.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="$TP_CAPITAL_DB_PASSWORD" <<'SQL'
SET password_encryption = 'scram-sha-256';
CREATE ROLE tp_capital LOGIN PASSWORD :'password';
ALTER DATABASE tp_capital_db OWNER TO tp_capital;
REVOKE ALL ON DATABASE tp_capital_db FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE tp_capital_db TO tp_capital;
ALTER ROLE tp_capital SET statement_timeout = '30s';
ALTER ROLE tp_capital SET idle_in_transaction_session_timeout = '60s';
ALTER ROLE tp_capital SET timezone = 'UTC';
SQL
