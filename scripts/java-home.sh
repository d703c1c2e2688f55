# Sourced by ./archway and scripts/*: sets JAVA_HOME to a JDK 21 or newer, preferring the newest.
# Order: $ARCHWAY_JAVA_HOME, $JAVA_HOME, the JDKs under /usr/lib/jvm (newest first), `java` on PATH.

archway_java_major() {
  local release="$1/release" version
  if [[ -f $release ]]; then
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
  elif [[ -x $1/bin/java ]]; then
    version=$("$1/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/.*java.specification.version = \([0-9]*\).*/\1/p')
  fi
  echo "${version:-0}"
}

archway_find_java_home() {
  local candidates=() home best="" best_major=0 major
  [[ -n ${ARCHWAY_JAVA_HOME:-} ]] && candidates+=("$ARCHWAY_JAVA_HOME")
  [[ -n ${JAVA_HOME:-} ]] && candidates+=("$JAVA_HOME")
  for home in /usr/lib/jvm/*/ /opt/java/*/ /opt/jdk*/; do
    [[ -x ${home}bin/javac ]] && candidates+=("${home%/}")
  done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  # An explicit choice wins when it is new enough; otherwise take the newest JDK found.
  for home in "${candidates[@]}"; do
    major=$(archway_java_major "$home")
    if [[ -n ${ARCHWAY_JAVA_HOME:-} && $home == "$ARCHWAY_JAVA_HOME" && $major -ge 21 ]]; then
      echo "$home"
      return 0
    fi
    if ((major > best_major)); then
      best="$home"
      best_major=$major
    fi
  done
  if ((best_major < 21)); then
    echo "archway: no JDK 21 or newer found (set ARCHWAY_JAVA_HOME or JAVA_HOME)" >&2
    return 1
  fi
  echo "$best"
}

JAVA_HOME="$(archway_find_java_home)" || exit 1
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

# Maven's own libraries warn about sun.misc.Unsafe on JDK 24+; allow it quietly.
if (($(archway_java_major "$JAVA_HOME") >= 24)); then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
