package io.secretsbroker.guard;

import java.util.Arrays;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;

/**
 * One format rule. Its regex runs only at the rule's anchor occurrences: tried at each start from
 * {@code back} characters before the anchor up to the anchor (those passing {@code startFilter},
 * when set), in a region reaching {@code window} characters past the anchor. {@code check} accepts
 * or rejects a match; {@code live}, when set, says whether an accepted match is verifiably a real
 * credential (a checksum that holds, a key that parses), which the build policy fails on anywhere.
 */
record FormatRule(Rule rule, LazyPattern pattern, int group, Anchor[] anchors, BiPredicate<String, Matcher> check,
                  int back, StartFilter startFilter, int window, BiPredicate<String, Matcher> live) {
  /** How far past an anchor a match may reach; regexes run only in such windows around anchors. */
  static final int WINDOW = 1200;

  FormatRule(Rule rule, LazyPattern pattern, int group, Anchor[] anchors, BiPredicate<String, Matcher> check) {
    this(rule, pattern, group, anchors, check, 0, null, WINDOW, null);
  }

  FormatRule(Rule rule, LazyPattern pattern, int group, Anchor[] anchors, BiPredicate<String, Matcher> check, int back,
             StartFilter startFilter, int window) {
    this(rule, pattern, group, anchors, check, back, startFilter, window, null);
  }

  /** The same rule, with a test that marks a match as verifiably live. */
  FormatRule live(BiPredicate<String, Matcher> test) {
    return new FormatRule(rule, pattern, group, anchors, check, back, startFilter, window, test);
  }

  /** The same rule, tried from up to {@code chars} characters before its anchor. */
  FormatRule back(int chars) {
    return new FormatRule(rule, pattern, group, anchors, check, chars, startFilter, window, live);
  }

  static Anchor[] exact(String... a) {
    return Arrays.stream(a).map(t -> new Anchor(t, true)).toArray(Anchor[]::new);
  }

  static Anchor[] anyCase(String... a) {
    return Arrays.stream(a).map(t -> new Anchor(t, false)).toArray(Anchor[]::new);
  }

  /** A literal a rule's match must contain; {@code exact} false matches it in any ASCII case. */
  record Anchor(String text, boolean exact) {}

  /** Whether a match of one rule may start at {@code from}: a cheap test before the regex runs. */
  interface StartFilter {
    boolean canStart(String text, int from);
  }
}
