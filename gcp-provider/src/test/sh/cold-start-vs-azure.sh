#!/usr/bin/env bash
# Cold start of gcp:// and azure:// side by side (docs/benchmarks.md): N rounds, each one fresh JVM
# per provider, alternating, so both see the same machine load. Each JVM times its first
# Secrets.get("db") through the default client against that provider's loopback servers (the
# ColdStartServer of each module: metadata server + Secret Manager over TLS; managed identity +
# Key Vault over TLS). Prints "provider jvmStartToSecretMs mainToSecretMs" per JVM.
# Needs: ./mvnw -B -o -q -pl gcp-provider,azure-provider -am test-compile
set -euo pipefail
W=$(cd "$(dirname "$0")/../../../.." && pwd)
N=${N:-10}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
(cd "$W" && ./mvnw -B -o -q -pl gcp-provider,azure-provider -am compile dependency:build-classpath \
  -DincludeScope=runtime -Dmdep.outputFile=target/runtime.classpath >/dev/null)
deps() { tr ':' '\n' < "$W/$1/target/runtime.classpath" | grep -v -E 'secretsbroker-api|/api/target/classes' | paste -sd:; }
GCP_CP=$W/gcp-provider/target/classes:$W/gcp-provider/target/test-classes:$W/api/target/classes:$(deps gcp-provider)
AZ_CP=$W/azure-provider/target/classes:$W/azure-provider/target/test-classes:$W/api/target/classes:$(deps azure-provider)
keytool -genkeypair -alias localhost -keyalg EC -groupname secp256r1 -dname CN=localhost \
  -ext SAN=dns:localhost,ip:127.0.0.1 -validity 2 -storetype PKCS12 -keystore "$T/bench.p12" \
  -storepass benchpw -keypass benchpw >/dev/null 2>&1
java -cp "$W/gcp-provider/target/test-classes" io.secretsbroker.gcp.bench.ColdStartServer \
  "$T/bench.p12" benchpw "$T/gcp-ports" &
GS=$!
java -cp "$W/azure-provider/target/test-classes" io.secretsbroker.azure.bench.ColdStartServer \
  "$T/bench.p12" benchpw "$T/az-ports" &
AS=$!
trap 'kill $GS $AS; rm -rf "$T"' EXIT
while [ ! -s "$T/gcp-ports" ] || [ ! -s "$T/az-ports" ]; do sleep 0.1; done
read -r MDP SMP < "$T/gcp-ports" || true
read -r IDP KVP < "$T/az-ports" || true
TLS=(-Djavax.net.ssl.trustStore="$T/bench.p12" -Djavax.net.ssl.trustStorePassword=benchpw)
uptime >&2
for _ in $(seq 1 "$N"); do
  echo "gcp $(GCE_METADATA_HOST=127.0.0.1:$MDP java "${TLS[@]}" \
    -Dsecrets.provider="gcp://bench-project?endpoint=https://localhost:$SMP" \
    -cp "$GCP_CP" io.secretsbroker.gcp.bench.ColdStartMain 2>/dev/null)"
  echo "azure $(IDENTITY_ENDPOINT=http://127.0.0.1:$IDP/msi/token IDENTITY_HEADER=bench-identity-header java "${TLS[@]}" \
    -Dsecrets.provider="azure://bench.vault.azure.net?endpoint=https://localhost:$KVP" \
    -cp "$AZ_CP" io.secretsbroker.azure.bench.ColdStartMain 2>/dev/null)"
done
uptime >&2
