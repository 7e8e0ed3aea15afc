#!/usr/bin/env bash
# Installs swiftserve as a systemd service on this machine (run as root):
#
#   /opt/swiftserve/swiftserve.jar               the daemon and CLI (built first if missing)
#   /usr/local/bin/swiftserve                    the launcher (execs java -jar ...)
#   /etc/systemd/system/swiftserve.service       the unit
#   /etc/swiftserve/swiftserve.conf              settings (data dir, run.port, run.host, ...), mode 0644;
#                                                a commented default when missing, never overwritten
#   /etc/default/swiftserve                      the unit's environment (SWIFTSERVE_ARGS, ...), mode 0600; kept if present
#   /usr/share/bash-completion/completions/swiftserve   bash completion (zsh: bashcompinit, then source it)
#   /usr/local/share/man/man1/swiftserve*.1      man pages: man swiftserve, man swiftserve-add, ...
#   /var/lib/swiftserve                          the data dir (mode 0700), owned by user swiftserve
#   /var/lib/swiftserve/join.token               with --join-file: the invite token, mode 0600
#
# usage: install.sh [--jar PATH] [--prefix DIR] [--join-file FILE|-]
#   --jar PATH    install this jar instead of node/target/swiftserve.jar (built when missing)
#   --prefix DIR  install under DIR as if it were / (DESTDIR style; also $DESTDIR): no root needed,
#                 no user created, no systemctl. For packaging and tests.
#   --join-file FILE  copy the invite token in FILE ('-': standard input) to the data dir, where the
#                 service reads it on its first start; it never appears on a command line.
# Safe to run again: it replaces jar, launcher and unit, and keeps both settings files.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(dirname "$here")"

die() { echo "install.sh: $*" >&2; exit 1; }
usage() { sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

args="$*"
jar=""
join_file=""
root="${DESTDIR:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar="${2:?--jar needs a path}"; shift 2 ;;
    --jar=*) jar="${1#--jar=}"; shift ;;
    --join-file) join_file="${2:?--join-file needs a file or -}"; shift 2 ;;
    --join-file=*) join_file="${1#--join-file=}"; shift ;;
    --prefix|--root|--destdir) root="${2:?$1 needs a directory}"; shift 2 ;;
    --prefix=*|--root=*|--destdir=*) root="${1#*=}"; shift ;;
    -h|--help) usage 0 ;;
    *) echo "install.sh: unknown argument '$1'" >&2; usage 2 ;;
  esac
done
if [ -n "$root" ]; then
  mkdir -p "$root"
  root="$(cd "$root" && pwd)"
  [ "$root" != "/" ] || root=""
fi
system=0   # 1 = installing onto this machine's / (user, ownership, systemctl)
[ -z "$root" ] && system=1

if [ "$system" -eq 1 ] && [ "$(id -u)" -ne 0 ]; then
  die "must run as root to install into / (try: sudo $0 $args), or use --prefix DIR"
fi
# the token before anything is installed: a bad one changes nothing
token=""
if [ -n "$join_file" ]; then
  if [ "$join_file" = "-" ]; then
    token="$(grep -m1 -v '^[[:space:]]*$' || true)"
  else
    [ -r "$join_file" ] || die "--join-file $join_file: no such file or not readable"
    token="$(grep -m1 -v '^[[:space:]]*$' "$join_file" || true)"
  fi
  token="$(printf '%s' "$token" | tr -d '[:space:]')"
  case "$token" in
    ssinv2.*) ;;
    ssinv1.*) die "--join-file: an invite token of the old format (ssinv1): ask a member for a new one" ;;
    *) die "--join-file: no invite token there (one starts with ssinv2.)" ;;
  esac
fi
for f in swiftserve swiftserve.service swiftserve.env swiftserve.conf; do
  [ -f "$here/$f" ] || die "$here/$f is missing: run install.sh from a swiftserve checkout"
done

# --- the jar: given, built already, or built now
if [ -n "$jar" ]; then
  [ -f "$jar" ] || die "--jar $jar: no such file"
else
  jar="$repo/node/target/swiftserve.jar"
  if [ ! -f "$jar" ]; then
    command -v mvn >/dev/null 2>&1 || die "$jar is not built and mvn is not installed (install maven, or pass --jar PATH)"
    echo "building $jar (mvn -B -q -DskipTests package) ..."
    (cd "$repo" && mvn -B -q -DskipTests package) || die "the build failed"
    [ -f "$jar" ] || die "the build did not produce $jar"
  fi
fi
if command -v unzip >/dev/null 2>&1 && ! unzip -l "$jar" io/swiftserve/cli/Main.class >/dev/null 2>&1; then
  die "$jar is not a swiftserve jar (no io/swiftserve/cli/Main.class)"
fi

if ! command -v java >/dev/null 2>&1; then
  echo "install.sh: warning: java is not installed; the service needs Java 17+ (apt-get install openjdk-17-jre-headless)" >&2
fi

# --- files
install -d -m 0755 "$root/opt/swiftserve" "$root/usr/local/bin" "$root/etc/systemd/system" "$root/etc/default" \
  "$root/etc/swiftserve"
install -m 0644 "$jar" "$root/opt/swiftserve/swiftserve.jar.new"
mv -f "$root/opt/swiftserve/swiftserve.jar.new" "$root/opt/swiftserve/swiftserve.jar"
[ -f "$repo/README.md" ] && install -m 0644 "$repo/README.md" "$root/opt/swiftserve/README.md"
install -m 0755 "$here/swiftserve" "$root/usr/local/bin/swiftserve"
install -m 0644 "$here/swiftserve.service" "$root/etc/systemd/system/swiftserve.service"
# settings may name secrets (or, from older installs, hold an invite token): root only
if [ -e "$root/etc/default/swiftserve" ]; then
  chmod 0600 "$root/etc/default/swiftserve"
  echo "kept      $root/etc/default/swiftserve (yours, now mode 0600; the example is $here/swiftserve.env)"
  env_new=0
else
  install -m 0600 "$here/swiftserve.env" "$root/etc/default/swiftserve"
  env_new=1
fi
# the config file names no secret (tokens live in files of the data dir): readable, so that every
# user's "swiftserve status" finds the data dir; an admin's own file is never touched
if [ -e "$root/etc/swiftserve/swiftserve.conf" ]; then
  echo "kept      $root/etc/swiftserve/swiftserve.conf (yours; the example is $here/swiftserve.conf)"
  conf_new=0
else
  install -m 0644 "$here/swiftserve.conf" "$root/etc/swiftserve/swiftserve.conf.new"
  mv -n "$root/etc/swiftserve/swiftserve.conf.new" "$root/etc/swiftserve/swiftserve.conf"
  rm -f "$root/etc/swiftserve/swiftserve.conf.new"
  conf_new=1
fi
echo "installed $root/opt/swiftserve/swiftserve.jar"
echo "installed $root/usr/local/bin/swiftserve"
echo "installed $root/etc/systemd/system/swiftserve.service"
[ "$conf_new" -eq 1 ] && echo "installed $root/etc/swiftserve/swiftserve.conf (edit it: run.port, run.host, ...)"
[ "$env_new" -eq 1 ] && echo "installed $root/etc/default/swiftserve (the unit's environment: SWIFTSERVE_ARGS)"

# --- completion and man pages, made by the jar just installed so they match its commands
completions="$root/usr/share/bash-completion/completions"
mandir="$root/usr/local/share/man/man1"
if command -v java >/dev/null 2>&1; then
  gen="$(mktemp -d)"
  trap 'rm -rf "$gen"' EXIT
  if java -jar "$root/opt/swiftserve/swiftserve.jar" generate-completion > "$gen/swiftserve" \
      && java -jar "$root/opt/swiftserve/swiftserve.jar" generate-man-pages "$gen/man" >/dev/null; then
    install -d -m 0755 "$completions" "$mandir"
    install -m 0644 "$gen/swiftserve" "$completions/swiftserve"
    rm -f "$mandir"/swiftserve.1 "$mandir"/swiftserve-*.1   # pages of commands that are gone
    install -m 0644 "$gen"/man/*.1 "$mandir/"
    echo "installed $completions/swiftserve (bash completion; new shells)"
    echo "installed $mandir/swiftserve.1 and $(( $(ls "$gen"/man | wc -l) - 1 )) more (man swiftserve-add, ...)"
  else
    echo "install.sh: warning: the jar could not write its completion script and man pages; skipped them" >&2
  fi
else
  echo "install.sh: warning: no java: skipped the bash completion and man pages (run install.sh again once java is installed)" >&2
fi

# --- the service user and its data dir (systemd would create the dir at first start; creating it
# now lets an admin run "swiftserve init" as that user before enabling the service)
install -d -m 0755 "$root/var/lib"
if [ "$system" -eq 1 ]; then
  if ! getent passwd swiftserve >/dev/null; then
    nologin="$(command -v nologin || echo /usr/sbin/nologin)"
    useradd --system --user-group --home-dir /var/lib/swiftserve --no-create-home \
      --shell "$nologin" --comment "swiftserve node" swiftserve
    echo "created   system user swiftserve"
  fi
  install -d -m 0700 -o swiftserve -g swiftserve /var/lib/swiftserve
else
  install -d -m 0700 "$root/var/lib/swiftserve"
fi
echo "data dir  $root/var/lib/swiftserve (mode 0700)"
if [ -n "$token" ]; then
  # written under a umask, then moved: never readable by others, not even for a moment
  tmp="$root/var/lib/swiftserve/.join.token.new"
  (umask 077 && printf '%s\n' "$token" > "$tmp")
  if [ "$system" -eq 1 ]; then
    chown swiftserve:swiftserve "$tmp"
  fi
  mv -f "$tmp" "$root/var/lib/swiftserve/join.token"
  echo "installed $root/var/lib/swiftserve/join.token (mode 0600; read by 'run --join-file' on the first start)"
fi

if [ "$system" -eq 1 ]; then
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl daemon-reload
    echo "systemd   reloaded"
    if systemctl is-active --quiet swiftserve; then
      echo "note: swiftserve is running the old jar; restart it: systemctl restart swiftserve"
    fi
  else
    echo "systemd   not running here (a container?): skipped 'systemctl daemon-reload'"
  fi
else
  echo "systemd   skipped (installed under --prefix $root)"
fi

cat <<'EOF'

Next steps:
  1. Settings: edit /etc/swiftserve/swiftserve.conf (run.port, run.host = <this machine's LAN
     address>; unset, the node detects it); check them with: swiftserve config
  2. Either found a network on this machine (once, on the first machine only):
       sudo -u swiftserve swiftserve init --data /var/lib/swiftserve --network lab
     or join one: on a member run  sudo swiftserve invite --data /var/lib/swiftserve
     and hand the token to this machine without a command line that shows it:
       sudo scripts/install.sh --join-file -        (paste the token, then Ctrl-D)
     which writes /var/lib/swiftserve/join.token (mode 0600); the settings' default
     SWIFTSERVE_ARGS=--join-file /var/lib/swiftserve/join.token (/etc/default/swiftserve) reads it
     on the first start.
  3. Start it now and at every boot:
       sudo systemctl enable --now swiftserve
  4. Check it:
       sudo swiftserve status        (the data dir comes from the config file)
       journalctl -u swiftserve -f
EOF
