/**
 * The guard's detection rules (JDK only): format and keyed rules, the anchor scanner and the
 * environment scan, used by the client's start-up guard ({@code io.secretsbroker}) and by the
 * build-time scanner ({@code secretsbroker-guard}). One package, exported whole: it is the rules'
 * API.
 */
module io.secretsbroker.guard.rules {
  exports io.secretsbroker.guard;
}
