#!/usr/bin/env bash
# Prints the home of a JDK 21 or newer: JAVA_HOME first, then the usual JDK folders, then java on the PATH.
# Exits 1 with a message on stderr when none is present. Source-safe: only defines and calls ysync_find_jdk.
ysync_jdk_major() { # $1 = JDK home; prints the feature version or nothing
  [ -x "$1/bin/javac" ] || return 1
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  v=${v#1.}; printf '%s' "${v%%.*}"
}
ysync_find_jdk() {
  local candidate major
  local -a candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for candidate in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$candidate" ] && candidates+=("$candidate")
  done
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for candidate in "${candidates[@]}"; do
    major=$(ysync_jdk_major "$candidate") || continue
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      printf '%s\n' "$candidate"; return 0
    fi
  done
  echo "ysync: no JDK 21 or newer found (looked at JAVA_HOME, /usr/lib/jvm, /opt/java, ~/.sdkman and javac on PATH)." >&2
  echo "ysync: install one (for example Debian's openjdk-21-jdk or Temurin 21+) or set JAVA_HOME." >&2
  return 1
}
if [ "${BASH_SOURCE[0]}" = "$0" ]; then ysync_find_jdk; fi
