#!/usr/bin/env bash
# Cold start of the Google Cloud provider (docs/benchmarks.md): N fresh JVMs, each timing its first
# Secrets.get("db") through the default client, the gcp:// provider and Application Default
# Credentials from a metadata server (GCE_METADATA_HOST, as on Cloud Run), against loopback servers
# (ColdStartServer): the secret is read over TLS after one 404 for the 'current' alias.
# Prints "jvmStartToSecretMs mainToSecretMs" per run. Needs: ./mvnw -pl gcp-provider -am test-compile
set -euo pipefail
W=$(cd "$(dirname "$0")/../../../.." && pwd)
N=${N:-10}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
(cd "$W" && ./mvnw -B -o -q -pl gcp-provider -am compile dependency:build-classpath -DincludeScope=runtime \
  -Dmdep.outputFile=target/runtime.classpath >/dev/null)
cp "$W/gcp-provider/target/runtime.classpath" "$T/rt-cp.txt"
DEPS=$(tr ':' '\n' < "$T/rt-cp.txt" | grep -v secretsbroker-api | paste -sd:)
echo "runtime classpath: $(tr ':' '\n' < "$T/rt-cp.txt" | grep -c .) jars," \
  "$(tr ':' '\n' < "$T/rt-cp.txt" | grep -v secretsbroker-api | xargs du -cb | tail -1 | cut -f1) bytes" \
  "(plus the api and gcp-provider classes)" >&2
keytool -genkeypair -alias localhost -keyalg EC -groupname secp256r1 -dname CN=localhost \
  -ext SAN=dns:localhost,ip:127.0.0.1 -validity 2 -storetype PKCS12 -keystore "$T/bench.p12" \
  -storepass benchpw -keypass benchpw >/dev/null 2>&1
CP=$W/gcp-provider/target/classes:$W/gcp-provider/target/test-classes:$W/api/target/classes:$DEPS
java -cp "$W/gcp-provider/target/test-classes" io.secretsbroker.gcp.bench.ColdStartServer \
  "$T/bench.p12" benchpw "$T/ports" &
SERVER=$!
trap 'kill $SERVER; rm -rf "$T"' EXIT
while [ ! -s "$T/ports" ]; do sleep 0.1; done
read -r MDP SMP < "$T/ports" || true
for _ in $(seq 1 "$N"); do
  GCE_METADATA_HOST=127.0.0.1:$MDP \
  java -Djavax.net.ssl.trustStore="$T/bench.p12" -Djavax.net.ssl.trustStorePassword=benchpw \
    -Dsecrets.provider="gcp://bench-project?endpoint=https://localhost:$SMP" \
    -cp "$CP" io.secretsbroker.gcp.bench.ColdStartMain 2>/dev/null
done
