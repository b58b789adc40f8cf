#!/usr/bin/env bash
# A local SMTP catcher for `make up`: every email the notifications service
# sends lands, unsent, in a Maildir under .run/mail/ (one file per message).
# Reuses anything already listening on 127.0.0.1:1025 (Mailpit, say);
# otherwise runs aiosmtpd from Debian's python3-aiosmtpd, installing it if
# missing.
#
#   mail-catcher.sh RUN_DIR
set -euo pipefail
run="$1"
host=127.0.0.1 port=1025
say() { printf '[mail] %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
listening() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }

if listening; then say "an SMTP server already listens on $host:$port"; exit 0; fi
if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
  say "installing python3-aiosmtpd with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null
fi
mkdir -p "$run/mail/tmp" "$run/mail/new" "$run/mail/cur" "$run/logs"
nohup /usr/bin/python3 -m aiosmtpd -n -l "$host:$port" -c aiosmtpd.handlers.Mailbox "$run/mail" \
  >>"$run/logs/mail-catcher.log" 2>&1 &
echo $! > "$run/mail-catcher.pid"
for _ in $(seq 1 40); do listening && { say "catching mail on $host:$port into .run/mail/"; exit 0; }; sleep 0.25; done
say "the mail catcher did not start; see $run/logs/mail-catcher.log"; exit 1
