#!/usr/bin/env python3
"""Scores the guard on material nobody on the project wrote (issue 15).

Not part of `verify`: it needs the network (Maven Central) the first time. Everything it fetches
goes under guard/target/outside/ (never into the build's dependencies, never into the repository).

Sources, each labelled by its own authors:

* tokens: SonarSource's secrets rule specifications, shipped as YAML inside
  org.sonarsource.text:sonar-text-plugin (one YAML per provider, each rule with `examples:`
  labelled `containsSecret: true|false`). Split by provider: a stable hash of the provider's
  name puts it in `tune` (the part rules may be improved against) or `heldout` (never looked at
  while changing rules); both parts are reported.
* java: SonarSource's Java rule descriptions (org.sonarsource.java:sonar-java-plugin, rules
  S2068, S6418, S6437, S2115): "Noncompliant code example" blocks are positives, "Compliant
  solution" blocks negatives. Optionally (--sonar-java-samples DIR) Sonar's rule test samples
  (HardCodedPasswordCheckSample, HardCodedSecretCheckSample... files) read line by line: a line
  marked `// Noncompliant` (or `// Noncompliant@+N` pointing at one) is a positive, every other
  line with a string literal a negative, except the lines Sonar itself says another rule reports
  ("handled by S6437") or admits missing ("FN", "false-negative"; a text block closing on such a line
  is unlabelled from its opening line). A marker's secondary locations (`secondary=-11,-12`: where
  Sonar's S6437 shows the literal reaching the sink) belong to that positive: a finding there finds
  it, and they are not negatives. Split by a hash of the line; each sample file also gets its own
  table. Those samples are not published on Maven Central, so the
  script cannot fetch them; give it a directory holding copies.
* clean trees: sources jars (and test-sources jars where published) of well-known Java
  libraries, unpacked as src/main/java and src/test/java; every finding is counted, and the
  ones the build policy fails the build on are listed (rule id, file, line, policy; never a value).

The guard is run as the CLI (`scan DIR --format json`), so the figures are the ones a user gets.

Usage (from the repository root, after `./mvnw -B -o -q -pl guard-rules,guard -am package`):
  python3 guard/src/test/outside/score_outside.py [--skip-fetch] [--sonar-java-samples DIR]
Writes guard/target/outside/report.md and prints it.
"""
import argparse
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

SONAR_TEXT = "org.sonarsource.text:sonar-text-plugin:2.16.0.4008"
SONAR_JAVA = "org.sonarsource.java:sonar-java-plugin:8.15.0.39343"
JAVA_RULES = ["S2068", "S6418", "S6437", "S2115"]
CLEAN_TREES = [
    # (name, main sources jar, test sources jar or None)
    ("commons-lang3", "org.apache.commons:commons-lang3:3.17.0:jar:sources",
     "org.apache.commons:commons-lang3:3.17.0:jar:test-sources"),
    ("commons-text", "org.apache.commons:commons-text:1.13.0:jar:sources",
     "org.apache.commons:commons-text:1.13.0:jar:test-sources"),
    ("jackson-databind", "com.fasterxml.jackson.core:jackson-databind:2.21.3:jar:sources", None),
    ("guava", "com.google.guava:guava:33.4.8-jre:jar:sources", None),
    ("caffeine", "com.github.ben-manes.caffeine:caffeine:3.2.3:jar:sources", None),
    ("hikaricp", "com.zaxxer:HikariCP:7.1.0:jar:sources", None),
    ("postgresql", "org.postgresql:postgresql:42.7.7:jar:sources", None),
    ("testcontainers", "org.testcontainers:testcontainers:1.21.4:jar:sources", None),
    ("testcontainers-postgresql", "org.testcontainers:postgresql:1.21.4:jar:sources", None),
    ("spring-jdbc", "org.springframework:spring-jdbc:6.2.12:jar:sources", None),
]


def held_out(key):
    """A stable split independent of the guard's results: half the keys by SHA-256."""
    return hashlib.sha256(key.encode("utf-8")).digest()[0] % 2 == 1


def fetch(repo, out, coords):
    os.makedirs(out, exist_ok=True)
    parts = coords.split(":")
    name = parts[1] + "-" + parts[2] + ("-" + parts[4] if len(parts) > 4 else "") + ".jar"
    target = os.path.join(out, name)
    if os.path.exists(target):
        return target
    cmd = [os.path.join(repo, "mvnw"), "-B", "-q", "-N", "-f", os.path.join(repo, "pom.xml"),
           "dependency:copy", "-Dartifact=" + coords, "-DoutputDirectory=" + out,
           "-Dmdep.stripVersion=false"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print("could not fetch " + coords + " (skipped)", file=sys.stderr)
        return None
    jars = [f for f in os.listdir(out) if f.startswith(parts[1] + "-" + parts[2])
            and f.endswith(".jar") and (len(parts) <= 4 or parts[4] in f)]
    return os.path.join(out, sorted(jars, key=len)[0]) if jars else None


def scan(jar, root):
    r = subprocess.run(["java", "-jar", jar, "scan", root, "--format", "json"],
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        raise SystemExit("guard failed on " + root + ": " + r.stderr[-2000:])
    findings = [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
    for f in findings:
        p = f["path"]
        f["abs"] = os.path.normpath(p if os.path.isabs(p) else os.path.join(root, p))
    return findings


# ---------------------------------------------------------------- tokens (Sonar's specifications)

def token_samples(jar, out):
    import yaml  # PyYAML
    samples = []
    with zipfile.ZipFile(jar) as z:
        for n in sorted(z.namelist()):
            if not (n.startswith("org/sonar/plugins/secrets/configuration/") and n.endswith(".yaml")):
                continue
            spec = yaml.safe_load(z.read(n))
            provider = spec["provider"]["metadata"]["name"]
            split = "heldout" if held_out(provider) else "tune"
            for rule in spec["provider"].get("rules", []):
                for i, ex in enumerate(rule.get("examples", [])):
                    label = "pos" if ex["containsSecret"] else "neg"
                    fname = os.path.basename(ex.get("fileName") or "sample.txt")
                    d = os.path.join(out, split, label, re.sub(r"\W+", "_", provider + "_" + rule["id"]) + "_" + str(i))
                    os.makedirs(d, exist_ok=True)
                    with open(os.path.join(d, fname), "w", encoding="utf-8") as f:
                        f.write(ex["text"])
                    samples.append({"dir": os.path.normpath(d), "split": split, "label": label,
                                    "provider": provider, "rule": rule["id"]})
    return samples


# ---------------------------------------------------------------- java (Sonar's rule descriptions)

def java_rule_samples(jar, out):
    samples = []
    with zipfile.ZipFile(jar) as z:
        for key in JAVA_RULES:
            page = z.read("org/sonar/l10n/java/rules/java/" + key + ".html").decode("utf-8")
            label = None
            i = 0
            for m in re.finditer(r"<h[1-6][^>]*>(.*?)</h[1-6]>|<pre[^>]*>(.*?)</pre>", page, re.S):
                if m.group(1) is not None:
                    head = m.group(1).lower()
                    label = ("pos" if "noncompliant" in head or "sensitive" in head
                             else "neg" if "compliant" in head else None)
                    continue
                if label is None:
                    continue
                code = html.unescape(re.sub(r"<[^>]+>", "", m.group(2)))
                d = os.path.join(out, label, key + "_" + str(i))
                i += 1
                os.makedirs(d, exist_ok=True)
                with open(os.path.join(d, "Sample.java"), "w", encoding="utf-8") as f:
                    f.write(code)
                samples.append({"dir": os.path.normpath(d), "split": "all", "label": label,
                                "provider": key, "rule": key})
    return samples


MARK = re.compile(r"//\s*Noncompliant(?:@([+-]?\d+))?")
UNLABELLED = re.compile(r"handled by S\d+|\bFN\b|false-negative")
SECONDARY = re.compile(r"secondary=([-+0-9,]+)")


def java_line_samples(src_dir, out):
    """Sonar's check samples, labelled per line by their `// Noncompliant` markers."""
    lines = []
    for base, _, files in os.walk(src_dir):
        for fn in sorted(files):
            if not fn.endswith(".java"):
                continue
            text = open(os.path.join(base, fn), encoding="utf-8", errors="replace").read()
            d = os.path.join(out, os.path.splitext(fn)[0])
            os.makedirs(d, exist_ok=True)
            shutil.copy(os.path.join(base, fn), os.path.join(d, fn))
            marked = {}
            rows = text.split("\n")
            for no, row in enumerate(rows, 1):
                m = MARK.search(row)
                if m:
                    off = m.group(1)
                    at = no + int(off) if off and off[0] in "+-" else int(off) if off else no
                    # Sonar's secondary locations (`secondary=-11,-12`): the lines of the same issue
                    # where the literal stands; a finding there finds the issue, and they are no negatives
                    sec = SECONDARY.search(row)
                    marked[at] = {at + int(x) for x in sec.group(1).split(",")} if sec else set()
            secondary = set().union(*marked.values()) if marked else set()
            unlabelled = set()
            for no, row in enumerate(rows, 1):
                if UNLABELLED.search(row):
                    # Sonar says another rule reports it, or admits a false negative; a text block
                    # ending on this line is unlabelled from its opening line on
                    unlabelled.add(no)
                    if row.lstrip().startswith('"""'):
                        start = no - 1
                        while start > 0 and '"""' not in rows[start - 1]:
                            start -= 1
                        unlabelled.update(range(start, no))
            for no, row in enumerate(rows, 1):
                split = "heldout" if held_out(fn + ":" + row.strip()) else "tune"
                code = row.split("//")[0] if "\"" not in row.split("//")[0] else row
                if no in unlabelled or (no in secondary and no not in marked):
                    continue
                if no in marked:
                    lines.append({"file": os.path.normpath(os.path.join(d, fn)), "line": no, "label": "pos",
                                  "split": split, "sample": fn,
                                  "also": sorted(os.path.normpath(os.path.join(d, fn)) + ":" + str(x)
                                                 for x in marked[no])})
                elif '"' in code and not code.strip().startswith(("import", "package", "*", "/*")):
                    lines.append({"file": os.path.normpath(os.path.join(d, fn)), "line": no, "label": "neg",
                                  "split": split, "sample": fn})
    return lines


# ---------------------------------------------------------------- scoring

def score_dirs(samples, findings):
    hit = {}
    for f in findings:
        for s in samples:
            if f["abs"].startswith(s["dir"] + os.sep):
                hit.setdefault(s["dir"], []).append(f)
    rows = {}
    for s in samples:
        k = (s["split"], s["label"])
        r = rows.setdefault(k, {"n": 0, "flagged": 0, "failing": 0, "missed": [], "flagged_list": []})
        r["n"] += 1
        fs = hit.get(s["dir"], [])
        if fs:
            r["flagged"] += 1
            if any(f["failsBuild"] for f in fs):
                r["failing"] += 1
            r["flagged_list"].append(s["provider"] + "/" + s["rule"] + " " + ",".join(sorted({f["ruleId"] for f in fs})))
        else:
            r["missed"].append(s["provider"] + "/" + s["rule"] + " (" + os.path.basename(s["dir"]) + ")")
    return rows


def score_lines(lines, findings):
    flagged = {(f["abs"], f["line"]) for f in findings}
    rows = {}
    for s in lines:
        k = (s["split"], s["label"])
        r = rows.setdefault(k, {"n": 0, "flagged": 0, "failing": 0, "missed": [], "flagged_list": []})
        r["n"] += 1
        also = {tuple(a.rsplit(":", 1)) for a in s.get("also", [])}
        if (s["file"], s["line"]) in flagged or any((f, int(l)) in flagged for f, l in also):
            r["flagged"] += 1
            r["flagged_list"].append(s["sample"] + ":" + str(s["line"]))
        else:
            r["missed"].append(s["sample"] + ":" + str(s["line"]))
    return rows


def pct(a, b):
    return "n/a" if b == 0 else "%.1f%%" % (100.0 * a / b)


def table(title, rows, out):
    out.append("### " + title + "\n")
    out.append("| split | positives | detected | recall | negatives | flagged | false-positive rate |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    for split in sorted({k[0] for k in rows}, key=lambda s: {"tune": 0, "heldout": 1}.get(s, 2)):
        p = rows.get((split, "pos"), {"n": 0, "flagged": 0})
        n = rows.get((split, "neg"), {"n": 0, "flagged": 0})
        out.append("| %s | %d | %d | %s | %d | %d | %s |" % (split, p["n"], p["flagged"], pct(p["flagged"], p["n"]),
                                                          n["n"], n["flagged"], pct(n["flagged"], n["n"])))
    out.append("")
    for (split, label), r in sorted(rows.items()):
        if label == "pos" and r["missed"]:
            out.append("Missed (%s): %s\n" % (split, "; ".join(r["missed"])))
        if label == "neg" and r["flagged_list"]:
            out.append("False positives (%s): %s\n" % (split, "; ".join(r["flagged_list"])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", default=os.getcwd())
    ap.add_argument("--jar", default=None)
    ap.add_argument("--skip-fetch", action="store_true", help="reuse guard/target/outside/jars")
    ap.add_argument("--sonar-java-samples", default=None)
    ap.add_argument("--no-trees", action="store_true")
    a = ap.parse_args()
    repo = os.path.abspath(a.repo)
    jar = a.jar or os.path.join(repo, "guard/target/secretsbroker-guard.jar")
    work = os.path.join(repo, "guard/target/outside")
    jars = os.path.join(work, "jars")
    for d in ("tokens", "java", "java-lines", "trees"):
        shutil.rmtree(os.path.join(work, d), ignore_errors=True)
    out = ["# Guard on outside material\n", "Guard: `" + os.path.relpath(jar, repo) + "`\n"]

    tj = fetch(repo, jars, SONAR_TEXT)
    tokens = token_samples(tj, os.path.join(work, "tokens"))
    table("Tokens: SonarSource secrets specifications (" + SONAR_TEXT + "), split by provider",
          score_dirs(tokens, scan(jar, os.path.join(work, "tokens"))), out)

    jj = fetch(repo, jars, SONAR_JAVA)
    java = java_rule_samples(jj, os.path.join(work, "java"))
    table("Java: SonarSource rule descriptions " + ", ".join(JAVA_RULES) + " (" + SONAR_JAVA + ")",
          score_dirs(java, scan(jar, os.path.join(work, "java"))), out)

    if a.sonar_java_samples:
        lines = java_line_samples(a.sonar_java_samples, os.path.join(work, "java-lines"))
        found = scan(jar, os.path.join(work, "java-lines"))
        table("Java: Sonar's check samples, per line (`// Noncompliant` markers), split by line",
              score_lines(lines, found), out)
        for sample in sorted({s["sample"] for s in lines}):
            table("Java check sample " + sample + " alone", score_lines([s for s in lines if s["sample"] == sample],
                                                                         found), out)

    if not a.no_trees:
        out.append("### Clean trees (sources jars; test sources where published)\n")
        out.append("| tree | files | MB | findings | failing the build |")
        out.append("|---|---:|---:|---:|---:|")
        failing = []
        for name, main_jar, test_jar in CLEAN_TREES:
            root = os.path.join(work, "trees", name)
            got = False
            for coords, sub in ((main_jar, "src/main/java"), (test_jar, "src/test/java")):
                if coords is None:
                    continue
                j = fetch(repo, jars, coords)
                if j is None:
                    continue
                got = True
                with zipfile.ZipFile(j) as z:
                    for n in z.namelist():
                        if not n.endswith("/") and not n.startswith("META-INF/"):
                            z.extract(n, os.path.join(root, sub))
            if not got:
                continue
            files = sum(len(fs) for _, _, fs in os.walk(root))
            size = sum(os.path.getsize(os.path.join(b, f)) for b, _, fs in os.walk(root) for f in fs)
            fs = scan(jar, root)
            bad = [f for f in fs if f["failsBuild"]]
            out.append("| %s%s | %d | %.1f | %d | %d |" % (name, " (main+test)" if test_jar else "", files,
                                                          size / 1e6, len(fs), len(bad)))
            failing += [name + ": " + os.path.relpath(f["abs"], root) + ":" + str(f["line"]) + " " + f["ruleId"]
                        + " (" + f["policy"] + ")" for f in bad]
        out.append("")
        if failing:
            out.append("Failing findings:\n\n" + "\n".join("- " + f for f in failing) + "\n")
    report = "\n".join(out)
    with open(os.path.join(work, "report.md"), "w", encoding="utf-8") as f:
        f.write(report)
    print(report)


if __name__ == "__main__":
    main()
