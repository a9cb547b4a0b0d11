#!/usr/bin/env python3
"""Writes guard/src/test/resources/corpus/outside-{positive,negative}.txt: issue 15's widened corpus.

Cases are shaped after material the project did not write: vendors' documented token formats and
where their docs tell users to put them (.env, CI YAML, SDK snippets), the shapes hard-coded-
credential analyzers document (credential sinks, data flow through a constant, snippets), and the
false positives other scanners' users report (placeholders, analyzers' own fake values, Groovy build
scripts, test-container defaults). Each case is in the project's own words; credential values are
@@kind:seed@@ markers that OutsideTokens expands at test time.

Every case is tagged split=tune (the shapes the rules were developed against) or split=heldout
(other contexts and variants, written before the figures were looked at and never tuned on).
Run: python3 guard/src/test/corpus/outside.py
"""
import itertools
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "corpus")
seed = itertools.count(1)

VENDORS = ["sendgrid", "anthropic", "openai", "onepassword", "age", "alibaba", "artifactory", "asana", "entra",
           "cfca", "cohere", "discord", "discordhook", "doppler", "dynatrace", "facebook", "flutterwave", "harness",
           "heroku", "herokuuuid", "hubspot", "mapbox", "teams", "notion", "octopus", "snyk", "sourcegraph",
           "squarespace", "vault", "telegram", "flyio", "atlassian", "whsec", "slackbot", "slackuser", "slackapp",
           "githubsum", "npmsum", "pkcs12", "jwtnone", "jwtwrapped"]

# vendor -> the variable name their docs use
ENV_NAME = {"sendgrid": "SENDGRID_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "openai": "OPENAI_API_KEY",
            "onepassword": "OP_SERVICE_ACCOUNT_TOKEN", "age": "SOPS_AGE_KEY", "alibaba": "ALIBABA_CLOUD_ACCESS_KEY_ID",
            "artifactory": "ARTIFACTORY_API_KEY", "asana": "ASANA_TOKEN", "entra": "AZURE_CLIENT_SECRET",
            "cfca": "CF_ORIGIN_CA_KEY", "cohere": "COHERE_API_KEY", "discord": "DISCORD_BOT_TOKEN",
            "discordhook": "DISCORD_WEBHOOK_URL", "doppler": "DOPPLER_TOKEN", "dynatrace": "DT_API_TOKEN",
            "facebook": "FB_ACCESS_TOKEN", "flutterwave": "FLW_SECRET_KEY", "harness": "HARNESS_API_KEY",
            "heroku": "HEROKU_API_KEY", "herokuuuid": "HEROKU_API_KEY", "hubspot": "HUBSPOT_ACCESS_TOKEN",
            "mapbox": "MAPBOX_SECRET_TOKEN", "teams": "TEAMS_WEBHOOK_URL", "notion": "NOTION_TOKEN",
            "octopus": "OCTOPUS_API_KEY", "snyk": "SNYK_TOKEN", "sourcegraph": "SRC_ACCESS_TOKEN",
            "squarespace": "SQUARESPACE_API_KEY", "vault": "VAULT_TOKEN", "telegram": "TELEGRAM_BOT_TOKEN",
            "flyio": "FLY_API_TOKEN", "atlassian": "JIRA_API_TOKEN", "whsec": "STRIPE_WEBHOOK_SECRET",
            "slackbot": "SLACK_BOT_TOKEN", "slackuser": "SLACK_USER_TOKEN", "slackapp": "SLACK_APP_TOKEN",
            "githubsum": "GH_TOKEN", "npmsum": "NPM_TOKEN", "pkcs12": "KEYSTORE_B64", "jwtnone": "SESSION_JWT",
            "jwtwrapped": "AUTH_HEADER_B64"}


def m(kind):
    return "@@%s:%d@@" % (kind, next(seed))


pos, neg = [], []


def add(lst, family, fname, split, body):
    lst.append((family, fname, split, body))


# ---------------------------------------------------------------- tokens (format rules)
for v in VENDORS:
    name = ENV_NAME[v]
    # tune: a Java constant and a .env line
    add(pos, "tokens", "Config.java", "tune",
        "class Config {\n    static final String VALUE = \"%s\";\n}\n" % m(v))
    add(pos, "tokens", ".env", "tune", "%s=%s\n" % (name, m(v)))
    # held out: CI YAML, JSON, Python, prose, Terraform, a shell export, a properties key with no secret word
    add(pos, "tokens", "workflow.yml", "heldout",
        "jobs:\n  deploy:\n    steps:\n      - run: ./deploy.sh\n        env:\n          %s: %s\n" % (name, m(v)))
    add(pos, "tokens", "settings.json", "heldout", "{\n  \"integration\": {\n    \"value\": \"%s\"\n  }\n}\n" % m(v))
    add(pos, "tokens", "client.py", "heldout", "import requests\n\nsession.headers['X'] = '%s'\n" % m(v))
    add(pos, "tokens", "NOTES.md", "heldout", "Quick test from my laptop: `%s` (revoke after the demo).\n" % m(v))
    add(pos, "tokens", "main.tf", "heldout", "resource \"x\" \"y\" {\n  header_value = \"%s\"\n}\n" % m(v))
    add(pos, "tokens", "run.sh", "heldout", "#!/bin/sh\nexport %s='%s'\nexec java -jar app.jar\n" % (name, m(v)))

# ---------------------------------------------------------------- Java credential cases
JAVA_TUNE = [
    "Connection c = DriverManager.getConnection(url, \"app\", \"%s\");",
    "request.login(\"admin\", \"%s\");",
    "ks.load(in, \"%s\".toCharArray());",
    "KeySpec spec = new PBEKeySpec(\"%s\".toCharArray(), salt, 65536, 256);",
    "PasswordEncoder e = new Pbkdf2PasswordEncoder(\"%s\", 16, 310000, 256);",
    "Algorithm a = Algorithm.HMAC256(\"%s\");",
    "session.setPassword(\"%s\");",
    "PasswordAuthentication pa = new PasswordAuthentication(\"svc\", \"%s\".toCharArray());",
    "String dbPassword = \"%s\";",
    "props.setProperty(\"password\", \"%s\");",
]
for i, shape in enumerate(JAVA_TUNE):
    for k in range(3):
        add(pos, "java", "Svc%d.java" % i, "tune",
            "package a;\n\nclass Svc%d {\n  Object run() throws Exception {\n    %s\n    return null;\n  }\n}\n"
            % (i, shape % m("pw")))
JAVA_HELD = [
    # snippets without a class
    ("Snippet.java", "String planetScaleToken = \"%s\";\n"),
    ("Snippet.java", "import javax.crypto.spec.SecretKeySpec;\n\nSecretKeySpec key = new SecretKeySpec(\"%s\".getBytes(), \"HmacSHA256\");\n"),
    ("Scratch.java", "var conn = DriverManager.getConnection(\"jdbc:postgresql://db/app\", \"app\", \"%s\");\n"),
    # data flow through a constant, a field, a local
    ("Keys.java", "class Keys {\n  private static final String STORE_PW = \"%s\";\n  KeyStore open(InputStream in) throws Exception {\n    KeyStore ks = KeyStore.getInstance(\"PKCS12\");\n    ks.load(in, STORE_PW.toCharArray());\n    return ks;\n  }\n}\n"),
    ("Db.java", "class Db {\n  private final String secret = \"%s\";\n  Connection open(String url) throws Exception {\n    return DriverManager.getConnection(url, \"app\", secret);\n  }\n}\n"),
    ("Mail.java", "class Mail {\n  PasswordAuthentication auth() {\n    String p = \"%s\";\n    return new PasswordAuthentication(\"mailer\", p.toCharArray());\n  }\n}\n"),
    # names
    ("Cfg.java", "class Cfg {\n  String password2 = \"%s\";\n}\n"),
    ("Cfg.java", "class Cfg {\n  void m(Properties p) { p.setProperty(\"pwd\", \"%s\"); }\n}\n"),
    ("Cfg.java", "class Cfg {\n  static final String DB_PASSWORD2 = \"%s\";\n}\n"),
    # key=value inside a string
    ("Http.java", "class Http {\n  String body() { return \"login=svc&password=%s\"; }\n}\n"),
    ("Http.java", "class Http {\n  URI u = URI.create(\"https://api.example.org/v1?token=%s&user=svc\");\n}\n"),
    # other sinks
    ("Sftp.java", "class Sftp {\n  void c(JSch j) throws Exception { j.addIdentity(\"/keys/id\", \"%s\"); }\n}\n"),
    ("Jwt.java", "class Jwt {\n  Key k() { return Keys.hmacShaKeyFor(\"%s\".getBytes(StandardCharsets.UTF_8)); }\n}\n"),
    ("Ds.java", "class Ds {\n  Connection c(DataSource ds) throws Exception { return ds.getConnection(\"app\", \"%s\"); }\n}\n"),
]
for fname, shape in JAVA_HELD:
    for k in range(3):
        add(pos, "java", fname, "heldout", shape % m("pw"))
# short passwords at a clear sink and lower-case secrets
for k in range(3):
    add(pos, "java", "Short.java", "heldout", "class Short {\n  void m() throws Exception { request.login(\"bob\", \"%s\"); }\n}\n" % m("short"))
    add(pos, "java", "Lower.java", "heldout", "class Lower {\n  static final String MY_SECRET = \"%s\";\n}\n" % m("lower"))

# ---------------------------------------------------------------- other languages
OTHER_TUNE = [
    ("deploy.py", "api_key = \"%s\"\n"),
    ("main.go", "package main\n\nconst dbPassword = \"%s\"\n"),
    ("App.kt", "val apiToken: String = \"%s\"\n"),
]
OTHER_HELD = [
    ("Startup.cs", "var opts = new Options { ClientSecret = \"%s\" };\n"),
    ("config.js", "module.exports = {\n  apiKey: '%s',\n};\n"),
    ("client.ts", "const authToken: string = \"%s\";\n"),
    ("build.gradle", "publishing {\n  repositories {\n    maven {\n      credentials {\n        password = '%s'\n      }\n    }\n  }\n}\n"),
    ("Makefile", "DEPLOY_TOKEN ?= %s\n\ndeploy:\n\t./deploy.sh\n"),
    ("notes.txt", "staging\napi_key = %s\n"),
    ("db.py", "conn = psycopg2.connect(host='db', user='app', password='%s')\n"),
    ("server.go", "cfg := Config{Password: \"%s\", Host: \"db\"}\n"),
    ("Deploy.kts", "val props = mapOf(\"secret\" to \"%s\")\n"),
    ("vars.tf", "variable \"x\" {\n  default = \"y\"\n}\nlocals {\n  db_password = \"%s\"\n}\n"),
    ("deploy.sh", "#!/bin/bash\nDB_PASSWORD=\"%s\" ./migrate\n"),
    ("Dockerfile", "FROM eclipse-temurin:17\nENV API_TOKEN=%s\n"),
]
for fname, shape in OTHER_TUNE:
    for k in range(4):
        add(pos, "other-languages", fname, "tune", shape % m("pw"))
for fname, shape in OTHER_HELD:
    for k in range(3):
        add(pos, "other-languages", fname, "heldout", shape % m("pw"))

# ---------------------------------------------------------------- negatives
NEG_TUNE = [
    ("Cfg.java", "class Cfg {\n  String password = \"${DB_PASSWORD}\";\n  String apiKey = System.getenv(\"X\");\n}\n"),
    (".env", "API_TOKEN=changeme\nDB_PASSWORD=\n"),
    ("App.kt", "val apiToken: String = System.getenv(\"API_TOKEN\")\n"),
    ("deploy.py", "api_key = os.environ[\"API_KEY\"]\n"),
]
NEG_HELD = [
    # Slack-shaped placeholders
    ("README.md", "Set `SLACK_BOT_TOKEN=xoxb-12345-abcd234` in your environment.\n"),
    ("README.md", "export SLACK_TOKEN=xoxp-1234567890-1234567890-####\n"),
    ("setup.md", "Paste the config token (xoxe.xoxp-1-RANDOMSTRINGHERE) into the form.\n"),
    # analyzers' own fake values
    ("Fake.java", "class Fake {\n  String q = \"user=admin&password=Password123\";\n}\n"),
    ("Fake.java", "class Fake {\n  String secret = \"Secret_0213456789021345678\";\n}\n"),
    ("Fake.java", "class Fake {\n  String url = \"http://user:123456@server.com\";\n}\n"),
    # Groovy build scripts
    ("build.gradle", "def hasAccessKey = providers.environmentVariable('OSSRH_ACCESS_KEY').isPresent()\nsigning { required = hasAccessKey }\n"),
    ("build.gradle", "def signingKey = findProperty('signingKey')\ndef signingPassword = findProperty('signingPassword')\n"),
    # identifiers and non-secret UUIDs
    ("Ids.java", "class Ids {\n  static final String REQUEST_ID = \"%s\";\n  String tokenEndpoint = \"https://login.example.org/oauth2/token\";\n}\n"),
    ("app.yml", "trace:\n  correlation-id: %s\n"),
    ("Words.java", "class Words {\n  String secretName = \"internationalization\";\n  String passwordField = \"password-input\";\n}\n"),
    # references and templates in other languages
    ("config.ts", "export const apiKey = process.env.API_KEY ?? '';\nconst token = `${env.TOKEN}`;\n"),
    ("main.go", "password := os.Getenv(\"DB_PASSWORD\")\n// password := \"example\"\n"),
    ("Startup.cs", "var secret = Configuration[\"ClientSecret\"];\n"),
    ("Makefile", "DEPLOY_TOKEN ?= $(shell vault read -field=token secret/deploy)\n"),
    ("notes.txt", "password: see the team vault entry 'staging-db'\n"),
    # public material
    ("keys.md", "Publishable key: `pk_live_%s` is public by design.\n"),
    # vendor names next to values that are not their tokens
    (".env", "HEROKU_APP_NAME=orders-staging\nSNYK_ORG=acme\nHUBSPOT_PORTAL_ID=4411223\n"),
    ("app.yml", "asana:\n  workspace: 1201234567890\n  project-gid: 1209876543210\n"),
    ("Cfg.java", "class Cfg {\n  String azureClientId = \"%s\";\n  String tenant = \"contoso.onmicrosoft.com\";\n}\n"),
    ("docs.md", "A Telegram chat id looks like `-1001234567890`; a Discord snowflake like `175928847299117063`.\n"),
    ("docs.md", "Tokens look like `hvs.CAESI...` (Vault), `API-XXXXXXXXXXXXXXXX` (Octopus), `AGE-SECRET-KEY-1...` (age).\n"),
    ("cert.txt", "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----\n"),
    ("Header.java", "class Header {\n  // JWT header only: {\"alg\":\"HS256\",\"typ\":\"JWT\"}\n  static final String JWT_HEADER = \"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\";\n}\n"),
    ("Sql.java", "class Sql {\n  String q = \"select * from users where login=? and password_hash=?\";\n}\n"),
    ("settings.gradle", "rootProject.name = 'orders'\ninclude 'api', 'tokens', 'secrets-client'\n"),
    ("Enum.kt", "enum class Kind { PASSWORD, TOKEN, SECRET }\nval label = \"password\"\n"),
]
for fname, shape in NEG_TUNE:
    for k in range(4):
        add(neg, "placeholders", fname, "tune", shape)
for fname, shape in NEG_HELD:
    for k in range(3):
        body = shape
        if "%s" in body:
            body = body % (m("uuid") if "ID" in body or "correlation" in body else m("alnum24"))
        add(neg, "placeholders", fname, "heldout", body)
# more tune negatives: the same kinds of shapes in the tuned contexts
for k in range(6):
    add(neg, "placeholders", "Ref%d.java" % k, "tune",
        "class Ref%d {\n  String dbPassword = \"vault://secret/db#password\";\n  String token = \"<your-token>\";\n}\n" % k)
    add(neg, "placeholders", ".env", "tune", "SENDGRID_API_KEY=SG.your-key-here\nOPENAI_API_KEY=sk-...\n")
# build policy: test fixtures that must not fail the build (a finding may be reported)
POLICY = [
    ("src/test/java/db/PgIT.java", "class PgIT {\n  static PostgreSQLContainer<?> pg = new PostgreSQLContainer<>(\"postgres:16\").withPassword(\"testpassword\");\n}\n"),
    ("src/test/resources/application-test.properties", "spring.datasource.url=jdbc:tc:postgresql:16:///db?user=test&password=somepwd\n"),  # secrets-guard:allow testcontainers-shaped fixture the policy must not fail on
    ("src/test/java/az/BlobIT.java", "class BlobIT {\n  String conn = \"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=@@azurite:1@@;\";\n}\n"),
    ("src/test/java/ssh/SftpTest.java", "class SftpTest {\n  void c(Session s) { s.setPassword(\"%s\"); }\n}\n"),
    ("src/test/resources/fixture.env", "API_TOKEN=%s\n"),
]
for fname, shape in POLICY:
    for k in range(4):
        add(neg, "build-policy", fname, "heldout", shape % m("pw") if "%s" in shape else shape)

# ---------------------------------------------------------------- Java, second pass (branch guardjava)
# Causes found reading the misses and false positives of analyzers' Java check samples (their tuned
# half only), written as the project's own cases; appended last so earlier markers keep their seeds.
JAVA_PASS2 = [
    # key=value pairs separated by spaces or commas, and a literal that is one pair
    ("Pg.java", "class Pg {\n  String dsn = \"host=db port=5432 dbname=orders user=svc password=%s\";\n}\n"),
    ("Pairs.java", "class Pairs {\n  String cfg = \"password=%s, user=svc\";\n}\n"),
    ("Pairs.java", "class Pairs {\n  static final String AUTH = \"token=%s\";\n}\n"),
    # a secret word split by a camel hump
    ("Names.java", "class Names {\n  String stagingApiKeyValue = \"%s\";\n}\n"),
    # a copy or a case change of a literal is the literal
    ("Copy.java", "class Copy {\n  void m() throws Exception { request.login(\"svc\", new String(\"%s\")); }\n}\n"),
    ("Case.java", "class Case {\n  static final String PW = \"%s\";\n  KeySpec k() { return new PBEKeySpec(PW.toLowerCase().toCharArray()); }\n}\n"),
    # a char[] local made from a literal, passed to a key store
    ("Store.java", "class Store {\n  KeyStore open(InputStream in) throws Exception {\n    char[] material = \"%s\".toCharArray();\n    KeyStore ks = KeyStore.getInstance(\"PKCS12\");\n    ks.load(in, material);\n    return ks;\n  }\n}\n"),
]
for fname, shape in JAVA_PASS2:
    for k in range(2):
        add(pos, "java", fname, "tune", shape % m("pw"))
# weak passwords at a clear sink are passwords, not placeholders
for fname, body in [
        ("Weak.java", "class Weak {\n  void m() throws Exception { request.login(\"ops\", \"password\"); }\n}\n"),
        ("Weak.java", "class Weak {\n  Connection c(String url) throws Exception { return DriverManager.getConnection(url, \"sa\", \"admin\"); }\n}\n"),
        ("Weak.java", "class Weak {\n  PasswordEncoder e = new Pbkdf2PasswordEncoder(\"secret\", 16, 310000, 256);\n}\n")]:
    add(pos, "java", fname, "tune", body)
NEG_PASS2 = [
    # IPv6 addresses and relative paths under secret-sounding names are not secrets
    ("Net.java", "class Net {\n  String tokenIssuerIp = \"fd12:3456:789a:1::1\";\n  String secretHost = \"2001:db8:85a3::8a2e:370:7334\";\n}\n"),
    ("Res.java", "class Res {\n  String secretResource = \"src/main/resources/certs/server\";\n}\n"),
    # a token or secret outside a query string needs a random value; a plain word is a setting
    ("Flags.java", "class Flags {\n  String q = \"secret=disabled user=ops\";\n  String r = \"token=anonymous\";\n}\n"),
]
for fname, shape in NEG_PASS2:
    for k in range(2):
        add(neg, "placeholders", fname, "tune", shape)


def write(name, lst, kind):
    with open(os.path.join(OUT, name), "w") as f:
        f.write("# Generated by guard/src/test/corpus/outside.py; markers @@kind:seed@@ are expanded by OutsideTokens.\n")
        for i, (family, fname, split, body) in enumerate(lst):
            f.write("=== %s-%03d family=%s file=%s split=%s\n" % (kind, i, family, fname, split))
            f.write(body)


write("outside-positive.txt", pos, "opos")
write("outside-negative.txt", neg, "oneg")
print(len(pos), "positives,", len(neg), "negatives")
