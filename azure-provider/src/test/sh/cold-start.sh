#!/usr/bin/env bash
# Cold start of the Azure provider (docs/benchmarks.md): N fresh JVMs, each timing its first
# Secrets.get("db") through the default client, the azure:// provider and managed identity
# (IDENTITY_ENDPOINT, as on Azure Functions), against loopback servers (ColdStartServer).
# Prints "jvmStartToSecretMs mainToSecretMs" per run. Needs: ./mvnw -pl azure-provider -am test-compile
set -euo pipefail
W=$(cd "$(dirname "$0")/../../../.." && pwd)
N=${N:-10}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
(cd "$W" && ./mvnw -B -o -q -pl azure-provider dependency:build-classpath -DincludeScope=runtime \
  -Dmdep.outputFile="$T/rt-cp.txt" >/dev/null)
DEPS=$(tr ':' '\n' < "$T/rt-cp.txt" | grep -v secretsbroker-api | paste -sd:)
echo "runtime classpath: $(tr ':' '\n' < "$T/rt-cp.txt" | grep -c .) jars," \
  "$(tr ':' '\n' < "$T/rt-cp.txt" | xargs du -cb | tail -1 | cut -f1) bytes (plus secretsbroker-azure itself)" >&2
keytool -genkeypair -alias localhost -keyalg EC -groupname secp256r1 -dname CN=localhost \
  -ext SAN=dns:localhost,ip:127.0.0.1 -validity 2 -storetype PKCS12 -keystore "$T/bench.p12" \
  -storepass benchpw -keypass benchpw >/dev/null 2>&1
CP=$W/azure-provider/target/classes:$W/azure-provider/target/test-classes:$W/api/target/classes:$DEPS
java -cp "$W/azure-provider/target/test-classes" io.secretsbroker.azure.bench.ColdStartServer \
  "$T/bench.p12" benchpw "$T/ports" &
SERVER=$!
trap 'kill $SERVER; rm -rf "$T"' EXIT
while [ ! -s "$T/ports" ]; do sleep 0.1; done
read -r IDP KVP < "$T/ports" || true
for _ in $(seq 1 "$N"); do
  IDENTITY_ENDPOINT=http://127.0.0.1:$IDP/msi/token IDENTITY_HEADER=bench-identity-header \
  java -Djavax.net.ssl.trustStore="$T/bench.p12" -Djavax.net.ssl.trustStorePassword=benchpw \
    -Dsecrets.provider="azure://bench.vault.azure.net?endpoint=https://localhost:$KVP" \
    -cp "$CP" io.secretsbroker.azure.bench.ColdStartMain 2>/dev/null
done
