# Sourced by ./updraft, ./build and .ci/run: exports JAVA_HOME pointing at a JDK 25 or newer.
# Order: $JAVA_HOME if it is 25+, then Temurin 25 where Debian puts it, then any /usr/lib/jvm JDK 25+.

updraft_java_feature() { # prints the feature release of the JDK at $1 (e.g. 25), or nothing
  local release="$1/release" line
  [ -x "$1/bin/java" ] || return 0
  if [ -r "$release" ]; then
    line=$(grep -m1 '^JAVA_VERSION=' "$release" | cut -d'"' -f2)
    echo "${line%%.*}"
  fi
}

updraft_find_jdk() {
  local candidate feature
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$candidate" ] || continue
    feature=$(updraft_java_feature "$candidate")
    if [ -n "$feature" ] && [ "$feature" -ge 25 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(updraft_find_jdk); then
  echo "updraft: no JDK 25 found (checked \$JAVA_HOME and /usr/lib/jvm); install a JDK 25 (e.g. Temurin 25 into /usr/lib/jvm/temurin-25-jdk-amd64) or set JAVA_HOME to one" >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
