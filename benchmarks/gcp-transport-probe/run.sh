#!/usr/bin/env bash
# The transport decision for gcp:// (docs/benchmarks.md, "Google Cloud provider"): time to the first
# secret in fresh JVMs, alternating, for
#   rest-urlc  google-auth-library ADC + Secret Manager REST over HttpURLConnection (what gcp-provider does)
#   rest-jdk   google-auth-library ADC + Secret Manager REST over java.net.http.HttpClient
#   sdk        google-cloud-secretmanager (libraries-bom 26.76.0) on its HTTP/JSON transport
# all against one loopback WireMock serving a metadata server (GCE_METADATA_HOST) and :access.
# Standalone Maven projects, not reactor modules. Prints "variant jvmStartToSecretMs mainToSecretMs".
set -euo pipefail
D=$(cd "$(dirname "$0")" && pwd)
MVNW=$D/../../mvnw
ROUNDS=${ROUNDS:-5}
for m in server rest sdk sdkdefault; do
  (cd "$D/$m" && "$MVNW" -B -q package dependency:build-classpath -Dmdep.outputFile=cp.txt -DincludeScope=runtime)
done
for m in rest sdk sdkdefault; do
  echo "classpath $m: $(tr ':' '\n' < "$D/$m/cp.txt" | grep -c .) jars, $(tr ':' '\n' < "$D/$m/cp.txt" | xargs du -cb | tail -1 | cut -f1) bytes"
done
# gcp-provider excludes Apache HttpClient, HttpCore and commons-codec: never loaded
tr ':' '\n' < "$D/rest/cp.txt" | grep -v -E 'httpclient|httpcore|commons-codec' | paste -sd: > "$D/rest/cp-min.txt"
echo "classpath rest without Apache: $(tr ':' '\n' < "$D/rest/cp-min.txt" | grep -c .) jars, $(tr ':' '\n' < "$D/rest/cp-min.txt" | xargs du -cb | tail -1 | cut -f1) bytes"
rm -f "$D/port"
java -cp "$D/server/target/probe-server-1.jar:$(cat "$D/server/cp.txt")" probe.Server "$D/port" &
SERVER=$!
trap 'kill $SERVER; rm -f "$D/port"' EXIT
while [ ! -s "$D/port" ]; do sleep 0.2; done
P=$(cat "$D/port")
export GCE_METADATA_HOST=127.0.0.1:$P
uptime
for _ in $(seq 1 "$ROUNDS"); do
  echo "rest-urlc $(java -cp "$D/rest/target/probe-rest-1.jar:$(cat "$D/rest/cp-min.txt")" probe.UrlMain "$P")"
  echo "rest-jdk $(java -cp "$D/rest/target/probe-rest-1.jar:$(cat "$D/rest/cp-min.txt")" probe.Main "$P")"
  echo "sdk $(java -cp "$D/sdk/target/probe-sdk-1.jar:$(cat "$D/sdk/cp.txt")" probe.Main "$P" 2>/dev/null)"
done
uptime
