# Runs DynamoDB Local for a Node process and ends it when that process ends, however it ends:
# the twin holds the write end of this script's stdin, and the kernel closes it when the twin
# exits, crashes or is killed with SIGKILL. No polling, no signal from the twin needed.
#
#   sh dynamodb-local-watchdog.sh <pid file or ''> java <args…>
#
# The pid file gets "<java pid> <twin pid>", so that a later twin on the same data directory can
# tell a DynamoDB Local left behind (its twin gone) from one still in use.
pidfile=$1
shift

# A background list's stdin is /dev/null in a non-interactive shell: the reader gets the twin's
# pipe as fd 3, DynamoDB Local gets neither.
exec 3<&0
"$@" </dev/null 3<&- &
java=$!
[ -z "$pidfile" ] || echo "$java $PPID" >"$pidfile"

# Returns when the twin closes the pipe (a clean stop) or is gone; then stops DynamoDB Local.
{
  while read -r _; do :; done <&3
  kill -TERM "$java" 2>/dev/null
} &
reader=$!
exec 3<&- 0</dev/null

# DynamoDB Local ended (stopped, or failed to start): so does the watchdog, and the twin sees it.
wait "$java"
status=$?
kill "$reader" 2>/dev/null
wait "$reader"
# The file may already name the DynamoDB Local of a twin started since: leave that one.
[ -z "$pidfile" ] || [ "$(cat "$pidfile" 2>/dev/null)" != "$java $PPID" ] || rm -f "$pidfile"
exit "$status"
