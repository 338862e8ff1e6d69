# A private, throw-away PostgreSQL server for the restore tests (sourced, never run).
# It lives in $WORK/pg, listens only on a unix socket in $WORK/pg-socket (no TCP at all), and is
# stopped by pg_stop, which the caller puts in its EXIT trap.
# shellcheck shell=bash

PGBIN=$(find /usr/lib/postgresql -maxdepth 3 -path '*/bin/initdb' -printf '%h\n' 2>/dev/null | sort -V | tail -n1)
[[ -n $PGBIN ]] || fail "no PostgreSQL server binaries under /usr/lib/postgresql (tests/setup/60-pipeline.sh installs them)"
need "$PGBIN/initdb" "$PGBIN/pg_ctl" "$PGBIN/postgres" "$PGBIN/psql" "$PGBIN/pg_dump"

# PostgreSQL refuses to run as root: when we are root, the server runs as `nobody` (its data and
# socket directories are made its own); the clients connect over the socket as `postgres`.
if ((EUID == 0)); then
  need runuser
  PG_AS=(runuser -u nobody --)
else
  PG_AS=()
fi

pg_start() {
  PGDATA_DIR=$WORK/pg
  PGSOCK=$WORK/pg-socket
  mkdir -p "$PGDATA_DIR" "$PGSOCK"
  if ((EUID == 0)); then
    chmod 711 "$WORK" # let nobody reach its two directories, and nothing else of ours
    chown nobody "$PGDATA_DIR" "$PGSOCK"
    runuser -u nobody -- test -w "$PGSOCK" ||
      fail "user nobody cannot reach $PGSOCK (is a parent of $WORK closed to others? set TMPDIR=/tmp)"
  fi
  # An unused port: with no TCP listener it only names the socket file, but a free one keeps a
  # stray server on the default port from ever being reached by mistake.
  PGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export PGHOST=$PGSOCK PGPORT PGUSER=postgres
  unset PGDATABASE PGPASSWORD PGSERVICE PGSERVICEFILE
  (cd "$WORK" && "${PG_AS[@]}" "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --locale=C -N >"$WORK/initdb.log") ||
    { cat "$WORK/initdb.log" >&2; fail "initdb failed"; }
  PG_STARTED=1
  (cd "$WORK" && "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $PGSOCK -p $PGPORT -c fsync=off -c full_page_writes=off" start >/dev/null) ||
    { cat "$PGDATA_DIR/server.log" >&2; fail "the PostgreSQL server did not start"; }
}

pg_stop() {
  [[ ${PG_STARTED:-} == 1 ]] || return 0
  PG_STARTED=
  (cd "$WORK" && "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 60 stop >/dev/null 2>&1) ||
    (cd "$WORK" && "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate stop >/dev/null 2>&1) || true
}

sql() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -At "$@"; }

# Every user table of a database: name, row count and SHA-256 of its rows in key order, one line
# each. COPY's text format spells every value exactly (bytea as hex, floats with all digits,
# timestamptz in the session's time zone, which is pinned), so equal lines mean equal tables.
table_digest() {
  local db=$1 t
  sql -d "$db" -c "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
                   WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1" |
    while IFS= read -r t; do
      printf '%s %s %s\n' "$t" \
        "$(sql -d "$db" -c "SELECT count(*) FROM $t")" \
        "$(PGTZ=UTC PGOPTIONS='-c extra_float_digits=3' \
          sql -d "$db" -c "COPY (SELECT * FROM $t ORDER BY id) TO STDOUT" | sha256)"
    done
}

# The test data: the column types a real app database holds, the awkward values of each (NULLs,
# NaN and infinities, unicode in data and in identifiers, COPY's escape characters, bytes 0x00 and
# 0xff, microseconds, time zones), a few thousand rows and a blob of 1 MiB.
seed_database() {
  sql -d "$1" <<'SQL'
SET client_min_messages = warning;
CREATE TABLE people (
  id       integer PRIMARY KEY,
  name     text NOT NULL,
  city     text,
  born     date,
  created  timestamptz NOT NULL,
  updated  timestamp,
  balance  numeric(20, 6),
  ratio    double precision,
  active   boolean,
  note     text
);
INSERT INTO people
SELECT i,
       (ARRAY['Zoë', 'Ålesund', '東京', 'Łódź', 'Müller', 'Ñandú', 'Δημήτρης', 'Привет', '🙂 emoji', 'עברית'])[1 + i % 10] || ' #' || i,
       CASE WHEN i % 7 = 0 THEN NULL ELSE (ARRAY['Zürich', 'São Paulo', 'Reykjavík', 'Kraków'])[1 + i % 4] END,
       date '1950-01-01' + (i * 37 % 27000),
       timestamptz '2022-06-01 00:00:00+00' + i * interval '17 minutes 3.123456 seconds',
       CASE WHEN i % 5 = 0 THEN NULL ELSE timestamp '2000-02-29 23:59:59.999999' + i * interval '1 day' END,
       CASE WHEN i % 11 = 0 THEN NULL ELSE round((i * 1234567.891011) % 99999999 - 5000, 6) END,
       CASE WHEN i % 13 = 0 THEN 'NaN'::float8 WHEN i % 17 = 0 THEN '-Infinity'::float8 ELSE i / 7.0::float8 END,
       CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END,
       CASE i % 4 WHEN 0 THEN NULL
                  WHEN 1 THEN E'tab\there\nnew line \\ backslash ''single'' "double" \\. end ' || i
                  ELSE repeat('x', i % 300) END
FROM generate_series(1, 5000) AS i;

CREATE TABLE blobs (
  id    integer PRIMARY KEY,
  name  text NOT NULL,
  data  bytea,
  size  integer GENERATED ALWAYS AS (length(data)) STORED
);
INSERT INTO blobs (id, name, data)
SELECT i, 'blob-' || i,
       CASE WHEN i % 9 = 0 THEN NULL
            WHEN i % 9 = 1 THEN ''::bytea
            ELSE (SELECT decode(string_agg(md5(i || ':' || j), ''), 'hex')
                  FROM generate_series(1, i % 97) AS j) || '\x00ff0d0a5c'::bytea END
FROM generate_series(1, 2000) AS i;
-- 1 MiB in one value: the dump crosses many of the tools' read buffers in a single COPY line.
INSERT INTO blobs (id, name, data)
SELECT 100000, 'one mebibyte', decode(string_agg(md5('big' || j), ''), 'hex')
FROM generate_series(1, 65536) AS j;

CREATE TABLE events (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at      timestamptz NOT NULL,
  kind    text NOT NULL,
  payload jsonb,
  tags    text[],
  amount  numeric,
  took    interval,
  uid     uuid,
  addr    inet
);
INSERT INTO events (at, kind, payload, tags, amount, took, uid, addr)
SELECT timestamptz '2022-09-26 23:59:59.5+02' + i * interval '1 hour 1.000001 seconds',
       (ARRAY['login', 'upload', 'delete', 'export'])[1 + i % 4],
       CASE WHEN i % 6 = 0 THEN NULL
            ELSE jsonb_build_object('n', i, 'name', 'Grüße ' || i, 'list', jsonb_build_array(i, i * 0.5, NULL, true)) END,
       CASE WHEN i % 8 = 0 THEN NULL ELSE ARRAY['a,b', 'c"d', 'ünï', NULL] END,
       CASE WHEN i % 10 = 0 THEN NULL ELSE 12345678901234567890.123456789012345678901234567890 * i END,
       i * interval '1 day 2 hours 3.5 seconds',
       md5(i::text)::uuid,
       ('10.' || (i % 256) || '.0.' || (i % 200) || '/24')::inet
FROM generate_series(1, 3000) AS i;

CREATE TABLE "Grüße ""quoted"" table" (
  id        integer PRIMARY KEY,
  "wert €"  text
);
INSERT INTO "Grüße ""quoted"" table" SELECT i, repeat('€', i) FROM generate_series(1, 50) AS i;
COMMENT ON TABLE people IS 'Menschen — 人々';
SQL
}
