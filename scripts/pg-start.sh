#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for Vigil's tests and benchmarks.
#
# Two ways to use it:
#
#   source scripts/pg-start.sh
#   vigil_pg_start          # exports VIGIL_TEST_POSTGRES and VIGIL_PG_* (see below)
#   ...
#   vigil_pg_stop           # stops the server and deletes its data directory
#
#   scripts/pg-start.sh     # run directly: starts a server, prints the `export` lines
#                           # and the command that stops it, and leaves it running
#
# The cluster lives in a fresh temporary directory (initdb), listens on 127.0.0.1 only,
# on port $VIGIL_PG_PORT (default 5432) or the next free port above it, with its Unix
# socket inside that directory. It is tuned for tests, not durability (fsync off).
# It has a superuser role `vigil` (password `vigil`) — tests create and drop their own
# databases — and a database `vigil_test`. When run as root, the server runs as the
# `postgres` user (initdb refuses root).
#
# Finds the server binaries in $VIGIL_PG_BINDIR, else the newest
# /usr/lib/postgresql/N/bin (Debian; preferring a version with PostGIS installed),
# else initdb/pg_ctl on PATH. `vigil_pg_bindir` returns non-zero when there are none.
#
# Exports after vigil_pg_start:
#   VIGIL_TEST_POSTGRES  postgres://vigil:vigil@127.0.0.1:PORT/vigil_test
#   VIGIL_PG_URL_BASE    postgres://vigil:vigil@127.0.0.1:PORT   (append /DBNAME)
#   VIGIL_PG_PORT, VIGIL_PG_BINDIR, VIGIL_PG_BASE (temp dir), VIGIL_PG_SOCKET_DIR

vigil_pg_bindir() {
    if [[ -n ${VIGIL_PG_BINDIR:-} ]]; then
        [[ -x $VIGIL_PG_BINDIR/initdb && -x $VIGIL_PG_BINDIR/pg_ctl ]] || return 1
        printf '%s\n' "$VIGIL_PG_BINDIR"
        return 0
    fi
    local d v best="" best_postgis=""
    while read -r d; do
        [[ -x $d/initdb && -x $d/pg_ctl ]] || continue
        v=$(basename "$(dirname "$d")")
        best=$d
        if [[ -e /usr/share/postgresql/$v/extension/postgis.control ]]; then
            best_postgis=$d
        fi
    done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V)
    if [[ -n $best_postgis || -n $best ]]; then
        printf '%s\n' "${best_postgis:-$best}"
        return 0
    fi
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return 0
    fi
    return 1
}

# True when nothing accepts TCP connections on 127.0.0.1:$1.
_vigil_pg_port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Run a command as the cluster's owner: `postgres` when we are root, else ourselves.
_vigil_pg_as_owner() {
    if [[ $(id -u) == 0 ]]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su -s /bin/sh postgres -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

vigil_pg_start() {
    local bindir port base data sock log i
    if ! bindir=$(vigil_pg_bindir); then
        echo "pg-start: no PostgreSQL server binaries (initdb, pg_ctl) found;" \
            "install postgresql or set VIGIL_PG_BINDIR" >&2
        return 1
    fi
    if [[ $(id -u) == 0 ]] && ! id postgres >/dev/null 2>&1; then
        echo "pg-start: running as root but there is no 'postgres' user to run the server" >&2
        return 1
    fi

    port=${VIGIL_PG_PORT:-5432}
    for ((i = 0; i < 100; i++)); do
        if _vigil_pg_port_free "$port"; then break; fi
        port=$((port + 1))
    done
    if ! _vigil_pg_port_free "$port"; then
        echo "pg-start: no free port found from ${VIGIL_PG_PORT:-5432} to $port" >&2
        return 1
    fi

    base=$(mktemp -d "${TMPDIR:-/tmp}/vigil-pg.XXXXXX")
    data=$base/data
    sock=$base/sock
    log=$base/server.log
    mkdir -p "$sock"
    if [[ $(id -u) == 0 ]]; then
        chown -R postgres: "$base"
    fi

    echo "pg-start: initdb in $data ($bindir)"
    if ! _vigil_pg_as_owner "$bindir/initdb" -D "$data" -U postgres -E UTF8 --locale=C \
        --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$base/initdb.log" 2>&1; then
        cat "$base/initdb.log" >&2
        echo "pg-start: initdb failed" >&2
        return 1
    fi
    cat >>"$data/postgresql.conf" <<EOF

# --- vigil scripts/pg-start.sh: a throwaway test server ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
max_connections = 300
shared_buffers = 256MB
work_mem = 32MB
maintenance_work_mem = 256MB
max_wal_size = 4GB
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
EOF

    echo "pg-start: starting server on 127.0.0.1:$port"
    if ! _vigil_pg_as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null; then
        tail -n 30 "$log" >&2 || true
        echo "pg-start: server did not start" >&2
        return 1
    fi
    for ((i = 0; i < 60; i++)); do
        if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then break; fi
        sleep 0.5
    done
    if ! "$bindir/pg_isready" -h 127.0.0.1 -p "$port"; then
        tail -n 30 "$log" >&2 || true
        return 1
    fi

    # Over the Unix socket (trust) as the bootstrap superuser.
    if ! "$bindir/psql" -h "$sock" -p "$port" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE vigil LOGIN SUPERUSER PASSWORD 'vigil'" \
        -c "CREATE DATABASE vigil_test OWNER vigil"; then
        echo "pg-start: could not create role/database" >&2
        return 1
    fi

    export VIGIL_PG_BINDIR=$bindir
    export VIGIL_PG_PORT=$port
    export VIGIL_PG_BASE=$base
    export VIGIL_PG_SOCKET_DIR=$sock
    export VIGIL_PG_URL_BASE="postgres://vigil:vigil@127.0.0.1:$port"
    export VIGIL_TEST_POSTGRES="$VIGIL_PG_URL_BASE/vigil_test"
    # Over TCP with the password, as the tests will connect.
    "$bindir/psql" "$VIGIL_TEST_POSTGRES" -X -qAt -c "SELECT 'pg-start: ready, ' || version()"
    echo "pg-start: VIGIL_TEST_POSTGRES=$VIGIL_TEST_POSTGRES"
}

# Stop the server started by vigil_pg_start (or the one under $1) and delete its files.
vigil_pg_stop() {
    local base=${1:-${VIGIL_PG_BASE:-}}
    local bindir=${VIGIL_PG_BINDIR:-}
    [[ -n $base && -d $base/data ]] || return 0
    [[ -n $bindir ]] || bindir=$(vigil_pg_bindir) || return 0
    if [[ -f $base/data/postmaster.pid ]]; then
        echo "pg-stop: stopping server in $base"
        _vigil_pg_as_owner "$bindir/pg_ctl" -D "$base/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
            _vigil_pg_as_owner "$bindir/pg_ctl" -D "$base/data" -m immediate -w stop >/dev/null 2>&1 ||
            true
    fi
    case $base in
        "${TMPDIR:-/tmp}"/vigil-pg.*) rm -rf "$base" ;;
    esac
    if [[ $base == "${VIGIL_PG_BASE:-}" ]]; then
        unset VIGIL_PG_BASE VIGIL_PG_PORT VIGIL_PG_SOCKET_DIR VIGIL_PG_URL_BASE VIGIL_TEST_POSTGRES
    fi
}

# Run directly (not sourced): start, print how to use and stop it, leave it running.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -euo pipefail
    vigil_pg_start >&2
    echo "export VIGIL_TEST_POSTGRES=$VIGIL_TEST_POSTGRES"
    echo "export VIGIL_PG_URL_BASE=$VIGIL_PG_URL_BASE"
    echo "# stop it with: bash -c 'source $(cd "$(dirname "$0")" && pwd)/pg-start.sh && VIGIL_PG_BINDIR=$VIGIL_PG_BINDIR vigil_pg_stop $VIGIL_PG_BASE'"
fi
