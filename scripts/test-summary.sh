#!/usr/bin/env bash
# Prints one line per module and test kind (Surefire unit tests, Failsafe integration tests) from
# the XML reports, then the skipped tests with the reason JUnit recorded.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
printf '%-10s %-12s %7s %7s %7s %7s\n' module kind tests failed errors skipped
for module in */; do
  module=${module%/}
  for kind in surefire failsafe fuzz; do
    files=("$module/target/$kind-reports"/TEST-*.xml)
    [ "$kind" = fuzz ] && files=("$module/target/fuzz-reports"/*/TEST-*.xml)
    [ -e "${files[0]}" ] || continue
    awk -v m="$module" -v k="$kind" '
      /<testsuite / {
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^tests=/)    { gsub(/[^0-9]/, "", $i); t += $i }
          if ($i ~ /^failures=/) { gsub(/[^0-9]/, "", $i); f += $i }
          if ($i ~ /^errors=/)   { gsub(/[^0-9]/, "", $i); e += $i }
          if ($i ~ /^skipped=/)  { gsub(/[^0-9]/, "", $i); s += $i }
        }
      }
      END { printf "%-10s %-12s %7d %7d %7d %7d\n", m, (k == "surefire" ? "unit" : k == "failsafe" ? "integration" : "fuzz"), t, f, e, s }
    ' "${files[@]}"
  done
done
skipped=$(grep -h -B1 '<skipped' */target/*-reports/TEST-*.xml */target/fuzz-reports/*/TEST-*.xml 2>/dev/null \
  | grep -o 'classname="[^"]*"\|message="[^"]*"' | paste -d' ' - - | sort -u)
if [ -n "$skipped" ]; then
  echo "skipped:"
  echo "$skipped" | sed 's/^/  /'
fi
# The failed tests last, with their message and the tail of their output, because CI logs are
# often read only from the end.
command -v python3 >/dev/null || exit 0
python3 - <<'PY'
import glob, os, xml.etree.ElementTree as ET
failed = []
for path in sorted(glob.glob("*/target/*-reports/TEST-*.xml") + glob.glob("*/target/fuzz-reports/*/TEST-*.xml")):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        continue
    for case in root.iter("testcase"):
        for kind in ("failure", "error"):
            for bad in case.findall(kind):
                failed.append((path, case.get("classname"), case.get("name"), bad.get("message") or "", bad.text or ""))
if failed:
    print("failed:")
for path, cls, name, message, trace in failed[:10]:
    # The whole message (up to 60 lines): our assertions put the evidence there, such as a
    # guest's console; the trace only needs its head.
    head, *rest = message.splitlines() or [""]
    print(f"  {cls}.{name}: {head[:400]}")
    for line in rest[:60]:
        print(f"      {line[:300]}")
    for line in trace.strip().splitlines()[len(rest) + 1:][:6]:
        print(f"      {line}")
    out = os.path.join(os.path.dirname(path), f"{cls}-output.txt")
    if os.path.exists(out):
        with open(out, errors="replace") as f:
            tail = f.read().splitlines()[-15:]
        print(f"    last lines of {out}:")
        for line in tail:
            print(f"      {line[:200]}")
PY
