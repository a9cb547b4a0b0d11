#!/bin/bash
# Time to first secret of the packaged example in fresh JVMs: from `java -jar` to the first 200 of
# GET /orders/1 (the request that reads the secret), over local:// so no network is involved.
# Build first: ./mvnw -B -pl examples/quarkus-function -am package -DskipTests
set -u
DIR=$(cd "$(dirname "$0")" && pwd); JAR=$DIR/target/quarkus-app/quarkus-run.jar; PORT=${PORT:-18931}
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
printf '{"bench/payments": {"api-key": "pk-bench-000111"}}\n' > "$WORK/secrets.json" # secrets-guard:allow fake key of the benchmark's local store
for i in 1 2 3 4 5; do
  start=$(date +%s%N)
  java -Dquarkus.http.port=$PORT -Dsecrets.provider=local://$WORK/secrets.json -Dsecrets.env=bench -jar "$JAR" > "$WORK/run.log" 2>&1 &
  pid=$!; ok=0
  for _ in $(seq 1 3000); do
    if curl -sf -o "$WORK/body" "http://localhost:$PORT/orders/1"; then ok=1; break; fi
    kill -0 $pid 2>/dev/null || break
    sleep 0.01
  done
  end=$(date +%s%N)
  echo "run $i: ok=$ok $(( (end-start)/1000000 )) ms to the first secret; Quarkus: $(grep -o 'started in [0-9.]*s' "$WORK/run.log")"
  kill $pid 2>/dev/null; wait $pid 2>/dev/null
  [ $ok = 1 ] || { tail -5 "$WORK/run.log"; exit 1; }
done
