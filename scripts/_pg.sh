# shellcheck shell=bash
# Sourced by scripts/test and scripts/pg-throwaway: a throwaway PostgreSQL cluster.
#
#   pg_find_bindir            prints the directory holding initdb/pg_ctl, or fails
#   pg_throwaway_start        initdb + start on 127.0.0.1:<free port> (and a Unix socket in the
#                             data dir), --auth=trust, user "postgres"; exports
#                             ANNOTATOR_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:PORT/postgres
#   pg_throwaway_stop         stops the server and deletes the cluster (safe to call twice)
#
# initdb and postgres refuse to run as root: as root the cluster belongs to the system user
# "annotator-pg" (created when missing) and the server binaries run through runuser.

PG_USER_FOR_ROOT="annotator-pg"
PG_DIR=""
PG_BINDIR=""
PG_AS=()

_pg_log() { printf '==> %s\n' "$*" >&2; }

pg_find_bindir() {
    local d
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"
        return 0
    fi
    # Debian keeps the server binaries off PATH; take the newest version.
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
            printf '%s\n' "$d"
            return 0
        fi
    done
    return 1
}

_pg_free_port() {
    "${VENV_PY:-python3}" - <<'PY'
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
PY
}

pg_throwaway_start() {
    PG_BINDIR="$(pg_find_bindir)" || { echo "no PostgreSQL server binaries (initdb, pg_ctl)" >&2; return 1; }

    if [[ "$(id -u)" == 0 ]]; then
        if ! id -u "$PG_USER_FOR_ROOT" >/dev/null 2>&1; then
            useradd --system --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin "$PG_USER_FOR_ROOT" || return 1
        fi
        PG_AS=(runuser -u "$PG_USER_FOR_ROOT" --)
        # /tmp, not $TMPDIR: the cluster's owner must be able to reach the directory.
        PG_DIR="$(mktemp -d /tmp/annotator-pg.XXXXXX)" || return 1
        chown "$PG_USER_FOR_ROOT": "$PG_DIR" || return 1
    else
        PG_AS=()
        PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/annotator-pg.XXXXXX")" || return 1
    fi

    local log="$PG_DIR/initdb.log"
    if ! "${PG_AS[@]}" "$PG_BINDIR/initdb" -D "$PG_DIR/data" -U postgres --auth=trust \
            --encoding=UTF8 --no-locale --no-sync >"$log" 2>&1; then
        echo "initdb failed:" >&2; cat "$log" >&2
        return 1
    fi

    local port attempt
    for attempt in 1 2 3; do
        port="$(_pg_free_port)"
        # Settings for a disposable test server: no durability, enough connections.
        if "${PG_AS[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
                -o "-k $PG_DIR -p $port -c listen_addresses=127.0.0.1 -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
                start >/dev/null; then
            export ANNOTATOR_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
            _pg_log "throwaway PostgreSQL $("$PG_BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $PG_DIR)"
            return 0
        fi
        echo "pg_ctl start failed on port $port (attempt $attempt):" >&2
        tail -n 20 "$PG_DIR/server.log" >&2 2>/dev/null || true
    done
    return 1
}

pg_throwaway_stop() {
    [[ -n "$PG_DIR" ]] || return 0
    if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
        "${PG_AS[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 30 stop \
            >/dev/null 2>&1 || echo "warning: pg_ctl stop failed" >&2
    fi
    rm -rf "$PG_DIR"
    PG_DIR=""
}
