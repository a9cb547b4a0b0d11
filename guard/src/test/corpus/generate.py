#!/usr/bin/env python3
"""Generates the guard's labelled corpus (guard/src/test/resources/corpus/{positive,negative}.txt).

Credential values are NOT written here: each appears as a marker such as @@github:17@@ that
CorpusTokens (test code) expands at test time into a format-valid fake, so the repository holds
no credential-shaped text. Run: python3 guard/src/test/corpus/generate.py
"""
import os
import random

R = random.Random(20240611)
OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "corpus")

NOISE_JAVA = [
    "    private final Logger log = LoggerFactory.getLogger(getClass());",
    "    private static final int MAX_RETRIES = 3;",
    "    private final OrderRepository orders;",
    "    // handles the order placed event",
    "    private static final Duration TIMEOUT = Duration.ofSeconds(5);",
]
NOISE_CFG = ["server.port=8080", "logging.level.root=INFO", "spring.application.name=orders",
             "management.endpoints.web.exposure.include=health"]

def java(body, cls="OrderService", pkg="com.acme.orders"):
    noise = "\n".join(R.sample(NOISE_JAVA, 2))
    return f"package {pkg};\n\nimport java.sql.*;\nimport java.util.*;\n\npublic class {cls} {{\n{noise}\n\n{body}\n}}\n"

def method(stmt):
    return f"    void configure(Properties props, Map<String, String> map, DataSource ds, String url) throws Exception {{\n        {stmt}\n    }}"

P = []  # (family, file, body)
N = []

SECRET_NAMES = ["password", "dbPassword", "apiKey", "clientSecret", "secretKey", "authToken", "accessToken",
                "privateKey", "stripeApiKey", "webhookSecret", "signingKey", "masterPassword", "DB_PASSWORD",
                "API_TOKEN", "SLACK_SIGNING_SECRET", "jwtSecret", "encryptionKey", "adminPwd"]
CFG_KEYS = ["spring.datasource.password", "app.api-key", "oauth.client-secret", "mail.smtp.password",
            "payment.stripe.secret-key", "jwt.signing-secret", "redis.password", "db.credentials.password",
            "app.github-token", "auth.master-key"]
ENV_KEYS = ["DB_PASSWORD", "API_KEY", "CLIENT_SECRET", "STRIPE_SECRET_KEY", "JWT_SECRET", "REDIS_PASSWORD",
            "SMTP_PASSWORD", "AUTH_TOKEN", "ENCRYPTION_KEY", "SENTRY_AUTH_TOKEN"]
FORMAT = [("aws", "awsid"), ("aws", "asia"), ("github", "github"), ("github", "github-pat"), ("gitlab", "gitlab"),
          ("slack", "slack"), ("slack", "slackhook"), ("stripe", "stripe"), ("stripe", "stripe-rk"),
          ("google", "google"), ("jwt", "jwt"), ("npm", "npm"), ("pypi", "pypi")]

seed = [0]
def s():
    seed[0] += 1
    return seed[0]

# ---- generic name + entropy: Java declarations and config
for i in range(30):
    n = SECRET_NAMES[i % len(SECRET_NAMES)]
    shape = i % 3
    if shape == 0:
        body = f"    private static final String {n} = \"@@pw:{s()}@@\";"
    elif shape == 1:
        body = method(f"String {n} = \"@@pw:{s()}@@\";")
    else:
        body = f"    private String {n} = \"@@pw:{s()}@@\"; // set in constructor"
    P.append(("generic", f"Svc{i}.java", java(body, f"Svc{i}")))
for i, k in enumerate(CFG_KEYS * 2):
    P.append(("generic", "application.properties", "\n".join(R.sample(NOISE_CFG, 2)) + f"\n{k}=@@pw:{s()}@@\n"))
for i in range(12):
    k = CFG_KEYS[i % len(CFG_KEYS)].split(".")
    P.append(("generic", "application.yml", f"spring:\n  application:\n    name: orders\n{k[0]}:\n  {'-'.join(k[1:])}: \"@@pw:{s()}@@\"\n"))

# ---- hard-coded credentials passed to credential parameters (Java)
SINKS = [
    'Connection c = DriverManager.getConnection(url, "app", "@@pw:{}@@");',
    'ds.setPassword("@@pw:{}@@");',
    'KeySpec spec = new PBEKeySpec("@@pw:{}@@".toCharArray(), salt, 65536, 256);',
    'SecretKeySpec key = new SecretKeySpec("@@pw:{}@@".getBytes(StandardCharsets.UTF_8), "HmacSHA256");',
    'props.setProperty("password", "@@pw:{}@@");',
    'map.put("client_secret", "@@pw:{}@@");',
    'if (password.equals("@@pw:{}@@")) {{ grant(); }}',
    'var cred = new ClientSecretCredentialBuilder().tenantId(tenant).clientId(app).clientSecret("@@pw:{}@@").build();',
    'Authenticator.setDefault(new Authenticator() {{ protected PasswordAuthentication getPasswordAuthentication() {{ return new PasswordAuthentication("svc", "@@pw:{}@@".toCharArray()); }} }});',
    'client.setApiKey("@@pw:{}@@");',
]
for i in range(40):
    P.append(("java-sink", f"Sink{i}.java", java(method(SINKS[i % len(SINKS)].format(s())), f"Sink{i}")))
for i in range(12):
    P.append(("aws", f"Aws{i}.java", java(method(
        f'StaticCredentialsProvider p = StaticCredentialsProvider.create(AwsBasicCredentials.create("@@awsid:{s()}@@", "@@awssecret:{s()}@@"));'), f"Aws{i}")))
for i in range(8):
    P.append(("aws", f"AwsKey{i}.java", java(method(
        f'StaticCredentialsProvider p = StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, "@@awssecret:{s()}@@"));'), f"AwsKey{i}")))
for i in range(8):
    P.append(("aws", "credentials", f"[default]\naws_access_key_id = @@awsid:{s()}@@\naws_secret_access_key = @@awssecret:{s()}@@\nregion = eu-west-1\n"))
for i in range(8):
    P.append(("aws", "deploy.sh", f"#!/bin/sh\nset -e\nexport AWS_SECRET_ACCESS_KEY=@@awssecret:{s()}@@\naws s3 sync build/ s3://bucket\n"))

# ---- reads of secrets from the environment (Java)
ENV_READS = ['String dbPass = System.getenv("{}");', 'String v = System.getProperty("{}");']
for i in range(20):
    name = ENV_KEYS[i % len(ENV_KEYS)]
    if i % 2:
        name = name.lower().replace("_", ".")
    P.append(("java-env-read", f"EnvRead{i}.java", java(method(ENV_READS[i % 2].format(name)), f"EnvRead{i}")))

# ---- format rules in many file shapes
def in_shape(tok, i):
    k = i % 10
    envk = ENV_KEYS[i % len(ENV_KEYS)]
    if k == 0:
        return "README.md", f"# Setup\n\nRun the demo with:\n\n    curl -H 'X-Token: {tok}' https://api.internal/v1/orders\n"
    if k == 1:
        return ".env", f"NODE_ENV=production\n{envk}={tok}\n"
    if k == 2:
        return "serverless.yml", f"service: orders\nprovider:\n  name: aws\n  runtime: java17\n  environment:\n    {envk}: {tok}\n"
    if k == 3:
        return "deployment.yaml", f"apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          env:\n            - name: {envk}\n              value: \"{tok}\"\n"
    if k == 4:
        return "Dockerfile", f"FROM eclipse-temurin:17-jre\nENV {envk}={tok}\nCOPY app.jar /app.jar\n"
    if k == 5:
        return "main.tf", f"resource \"aws_lambda_function\" \"orders\" {{\n  function_name = \"orders\"\n  environment {{\n    variables = {{\n      {envk} = \"{tok}\"\n    }}\n  }}\n}}\n"
    if k == 6:
        return "config.json", f"{{\n  \"service\": \"orders\",\n  \"settings\": {{ \"token\": \"{tok}\" }}\n}}\n"
    if k == 7:
        return f"Client{i}.java", java(f"    private static final String DEFAULT = \"{tok}\";", f"Client{i}")
    if k == 8:
        return "template.yaml", f"Resources:\n  OrdersFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n      Environment:\n        Variables:\n          {envk}: {tok}\n"
    return "notes.txt", f"prod deploy 2024-05-01: used {tok} for the hotfix\n"

for fam, kind in FORMAT:
    for i in range(12):
        f, body = in_shape(f"@@{kind}:{s()}@@", i + R.randint(0, 9))
        P.append((fam, f, body))

# azure
for i in range(10):
    P.append(("azure", "local.settings.json", f"{{\n  \"IsEncrypted\": false,\n  \"Values\": {{\n    \"AzureWebJobsStorage\": \"DefaultEndpointsProtocol=https;AccountName=ordersstore;AccountKey=@@azkey:{s()}@@;EndpointSuffix=core.windows.net\",\n    \"FUNCTIONS_WORKER_RUNTIME\": \"java\"\n  }}\n}}\n"))
for i in range(6):
    P.append(("azure", "application.properties", f"azure.servicebus.connection-string=Endpoint=sb://orders.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=@@azkey44:{s()}@@\n"))
for i in range(10):
    P.append(("azure", f"Blob{i}.java", java(method(f'String url = "https://ordersstore.blob.core.windows.net/exports?@@sas:{s()}@@";'), f"Blob{i}")))
for i in range(6):
    P.append(("azure", "appsettings.yml", f"storage:\n  account-name: ordersstore\n  account-key: @@azkey:{s()}@@\n"))

# private keys
for i in range(10):
    P.append(("private-key", "id_rsa" if i % 2 else "server.key", f"@@pem:{s()}@@\n"))
for i in range(8):
    P.append(("private-key", "service-account.json", f"{{\n  \"type\": \"service_account\",\n  \"project_id\": \"orders-prod\",\n  \"private_key_id\": \"@@hex40:{s()}@@\",\n  \"private_key\": \"@@pemesc:{s()}@@\",\n  \"client_email\": \"orders@orders-prod.iam.gserviceaccount.com\"\n}}\n"))
for i in range(6):
    P.append(("private-key", f"Keys{i}.java", java(f"    private static final String SIGNING = \"\"\"\n@@pem:{s()}@@\n\"\"\";", f"Keys{i}")))

# URLs with passwords, JDBC
for i in range(14):
    scheme = ["postgres", "mysql", "mongodb+srv", "redis", "amqp", "https", "ftp"][i % 7]
    f, body = in_shape(f"{scheme}://orders_app:@@pw:{s()}@@@db{i}.internal.acme.io:5432/orders", i)
    P.append(("url-password", f, body))
for i in range(10):
    P.append(("jdbc", "application.properties", f"spring.datasource.url=jdbc:postgresql://db.internal:5432/orders?user=orders&password=@@pw:{s()}@@&ssl=true\n"))
for i in range(6):
    P.append(("jdbc", "appsettings.json", f"{{ \"ConnectionStrings\": {{ \"Orders\": \"Server=tcp:orders.database.windows.net,1433;Database=orders;User ID=app;Password=@@pw:{s()}@@;Encrypt=True;\" }} }}\n"))

# XML, npmrc, pypirc
for i in range(6):
    P.append(("generic", "settings.xml", f"<settings>\n  <servers>\n    <server>\n      <id>releases</id>\n      <username>deploy</username>\n      <password>@@pw:{s()}@@</password>\n    </server>\n  </servers>\n</settings>\n"))
for i in range(5):
    P.append(("npm", ".npmrc", f"registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=@@npm:{s()}@@\n"))
for i in range(5):
    P.append(("pypi", ".pypirc", f"[pypi]\nusername = __token__\npassword = @@pypi:{s()}@@\n"))

# ================================================================= negatives
NEG_JAVA = [
    'private static final String PASSWORD_PROPERTY = "spring.datasource.password";',
    '@Value("${{db.password}}") private String password;',
    'private final String apiKey = Secrets.get("stripe");',
    'private static final String REQUEST_TOKEN = "@@uuid:{}@@";',
    'private static final String COMMIT_SHA = "@@hex40:{}@@";',
    'private static final String PUBLIC_KEY = "@@pw:{}@@";',
    'private static final String CLIENT_ID = "@@pw:{}@@";',
    'private static final String PASSWORD_LABEL = "Password";',
    'private static final String TOKEN_URL = "https://login.microsoftonline.com/common/oauth2/v2.0/token";',
    'private String password = "";',
    'private String password = "changeme";',
    'private String dbPassword = "${{DB_PASSWORD}}";',
    'private static final String SECRET_NAME = "prod/orders/db";',
    'private static final String PASSWORD_ENCODER = "bcrypt";',
    'private static final String PUBLISHABLE = "pk_live_@@alnum24:{}@@";',
    'private final String region = System.getenv("AWS_REGION");',
    'private static final String tokenType = "accessToken";',
    'private static final String secretKeyAlgorithm = "HmacSHA256";',
    'private static final String INTEGRITY = "sha512-@@b64:{}@@==";',
    'private static final String cacheKey = "@@hex32:{}@@";',
    'private static final String PASSWORD_FIELD = "passwordInput";',
    'private final String home = System.getenv("HOME");',
    'private static final String SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf";',
    'private static final String PROVIDER = "vault://vault.internal:8200/secret?auth=aws&role=orders";',
    'private static final String KV_REF = "@Microsoft.KeyVault(SecretUri=https://orders-kv.vault.azure.net/secrets/db/)";',
    'private static final String AWS_DOC_KEY = "AKIAIOSFODNN7EXAMPLE";',
    'private static final String NEXT_PAGE_TOKEN = "@@b64:{}@@";',
    'private static final String TOKEN_HEADER = "X-Api-Token";',
    'private static final int PASSWORD_MIN_LENGTH = 12;',
    'private static final String passwordResetPath = "/account/password/reset";',
    'private final char[] password = passwordField.getPassword();',
    'private static final String ERROR = "Invalid password: must contain 12 characters";',
    'private static final String JWT_NONE = "@@jwtnone:{}@@";',
    'private static final String KEY = "orders:" + id;',
    'private static final String MESSAGE_ID = "@@uuid:{}@@";',
]
for i in range(90):
    t = NEG_JAVA[i % len(NEG_JAVA)].format(s())
    N.append(("java", f"Neg{i}.java", java("    " + t, f"Neg{i}")))
NEG_JAVA_CALLS = [
    'ds.setPassword(passwordFromVault);',
    'ds.setPassword("");',
    'props.setProperty("user", "orders_app");',
    'map.put("password", System.getenv("DB_PASSWORD_FILE") == null ? "" : "${DB_PASSWORD}");',
    'Connection c = DriverManager.getConnection(url, user, password);',
    'String p = System.getenv("PATH");',
    'String t = System.getProperty("java.io.tmpdir");',
    'assertThat(token).isEqualTo(expectedToken);',
    'headers.put("Authorization", "Bearer " + token);',
    'String s = String.format("password for %s rotated", user);',
    'log.info("token refreshed for {}", clientId);',
    'var key = new SecretKeySpec(keyBytes, "AES");',
]
for i in range(48):
    N.append(("java", f"NegCall{i}.java", java(method(NEG_JAVA_CALLS[i % len(NEG_JAVA_CALLS)]), f"NegCall{i}")))

NEG_CFG = [
    ("application.properties", "spring.datasource.password=${{DB_PASSWORD}}\nspring.datasource.username=orders\n"),
    ("application.properties", "secrets.provider=aws://?region=eu-west-1\nsecrets.env=prod\nsecrets.allow=db,stripe/*\nsecrets.guard=block\n"),
    ("application.properties", "app.oauth.client-id=@@uuid:{}@@\napp.oauth.token-url=https://login.example.org/token\n"),
    ("application.properties", "security.password.min-length=12\nsecurity.token.ttl=3600\nsecurity.password.encoder=bcrypt\n"),
    ("application.yml", "spring:\n  datasource:\n    password: ${{DB_PASSWORD:}}\n    url: jdbc:postgresql://db:5432/orders\n"),
    ("values.yaml", "db:\n  password: {{{{ .Values.db.password }}}}\n  passwordSecretName: orders-db\n"),
    ("deployment.yaml", "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: orders-db\n        key: password\n  - name: LOG_LEVEL\n    value: info\n"),
    ("serverless.yml", "provider:\n  environment:\n    DB_PASSWORD: ${{ssm:/prod/orders/db-password}}\n    STAGE: ${{sls:stage}}\n"),
    ("template.yaml", "Environment:\n  Variables:\n    DB_PASSWORD: '{{{{resolve:secretsmanager:prod/db:SecretString:password}}}}'\n    DB_SECRET_ARN: arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db\n"),
    ("package-lock.json", "{{\n  \"packages\": {{\n    \"node_modules/left-pad\": {{\n      \"version\": \"1.3.0\",\n      \"resolved\": \"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz\",\n      \"integrity\": \"sha512-@@b64:{}@@==\"\n    }}\n  }}\n}}\n"),
    ("config.json", "{{ \"password\": \"\", \"token\": null, \"apiKeyHeader\": \"X-Api-Key\" }}\n"),
    (".env", "API_KEY=\nDB_PASSWORD=changeme\nSECRET_KEY=<your-secret-key>\nNODE_ENV=development\n"),
    (".env.example", "STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx\nGITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"),
    ("Dockerfile", "FROM eclipse-temurin:17-jre\nARG NPM_TOKEN\nENV JAVA_OPTS=\"-Xmx512m\"\nENV SECRETS_PROVIDER=aws://?region=eu-west-1\n"),
    ("main.tf", "resource \"aws_db_instance\" \"orders\" {{\n  password = var.db_password\n  username = \"orders\"\n  manage_master_user_password = true\n}}\n"),
    ("main.tf", "environment {{\n  variables = {{\n    DB_PASSWORD_SECRET = \"${{aws_secretsmanager_secret.db.arn}}\"\n    TABLE = \"orders\"\n  }}\n}}\n"),
    ("settings.xml", "<server>\n  <id>releases</id>\n  <password>${{env.MAVEN_PASSWORD}}</password>\n</server>\n"),
    ("local.settings.json", "{{ \"Values\": {{ \"AzureWebJobsStorage\": \"UseDevelopmentStorage=true\", \"DB_PASSWORD\": \"@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)\" }} }}\n"),
    ("application.yml", "azure:\n  tenant-id: @@uuid:{}@@\n  client-id: @@uuid:{}@@\n  subscription-id: @@uuid:{}@@\n"),
    ("ci.yml", "jobs:\n  build:\n    steps:\n      - run: mvn verify\n        env:\n          GITHUB_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}\n"),
    ("build.properties", "git.commit.id=@@hex40:{}@@\ngit.commit.id.abbrev=@@hex7:{}@@\n"),
    ("pagination.json", "{{ \"items\": [], \"next_page_token\": \"@@b64:{}@@\", \"csrf_token\": \"@@b64:{}@@\" }}\n"),
    ("keys.yml", "public_key: ssh-ed25519 @@b64:{}@@ deploy@ci\nkey_id: @@uuid:{}@@\n"),
    ("docker-compose.yml", "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: postgres\n      DATABASE_URL: postgres://postgres:postgres@db:5432/orders\n"),
    ("application.properties", "spring.datasource.url=jdbc:postgresql://db:5432/orders?user=orders&password=${{DB_PASSWORD}}\n"),
    ("application.properties", "jasypt.db.password=ENC(@@b64:{}@@)\nconfig.secret={{cipher}}@@hex32:{}@@\n"),
]
for i in range(130):
    f, body = NEG_CFG[i % len(NEG_CFG)]
    N.append(("config", f, body.format(*[s() for _ in range(body.count("{}"))])))

NEG_TEXT = [
    ("README.md", "Set `DB_PASSWORD` in the secret store, never in an environment variable.\nUse `Secrets.get(\"db\")`.\n"),
    ("README.md", "Connect with `postgres://user:password@localhost:5432/db` in development.\n"),
    ("README.md", "Example: `https://user:${{PASSWORD}}@git.internal/repo.git`\n"),
    ("docs.md", "AWS example credentials: AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"),
    ("cert.pem", "-----BEGIN CERTIFICATE-----\n@@b64:{}@@\n-----END CERTIFICATE-----\n"),
    ("pub.pem", "-----BEGIN PUBLIC KEY-----\n@@b64:{}@@\n-----END PUBLIC KEY-----\n"),
    ("howto.md", "Paste your key between the markers:\n\n    -----BEGIN RSA PRIVATE KEY-----\n    ...\n    -----END RSA PRIVATE KEY-----\n"),
    ("CHANGELOG.md", "- @@hex40:{}@@ fix token refresh\n- @@hex40:{}@@ rotate password on schedule\n"),
    ("ids.txt", "@@uuid:{}@@\n@@uuid:{}@@\n@@uuid:{}@@\n"),
    ("index.html", "<img src=\"data:image/png;base64,@@b64:{}@@\" alt=\"logo\">\n<script integrity=\"sha384-@@b64:{}@@\"></script>\n"),
    ("notes.txt", "token rotated at 10:42, password policy now 12 characters, see ticket SEC-118\n"),
    ("script.sh", "#!/bin/sh\nexport DB_PASSWORD=\"$(aws secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text)\"\n"),
    ("jwt.md", "An unsigned token looks like `@@jwtnone:{}@@`.\n"),
    ("App.kt", "val client = HttpClient(token = System.getenv(\"API_TOKEN\") ?: \"\")\nval regex = Regex(\"[A-Za-z0-9]{{40}}\")\n"),
]
for i in range(84):
    f, body = NEG_TEXT[i % len(NEG_TEXT)]
    N.append(("text", f, body.format(*[s() for _ in range(body.count("{}"))])))

def dump(name, items):
    with open(os.path.join(OUT, name), "w") as fh:
        fh.write("# Generated by guard/src/test/corpus/generate.py; markers @@kind:seed@@ are expanded by CorpusTokens.\n")
        for i, (fam, f, body) in enumerate(items):
            fh.write(f"=== {name.split('.')[0][:3]}-{i:03d} family={fam} file={f}\n")
            fh.write(body if body.endswith("\n") else body + "\n")

dump("positive.txt", P)
dump("negative.txt", N)
print(len(P), "positives,", len(N), "negatives")
