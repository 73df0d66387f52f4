package org.covenant.safety;

import java.util.List;

/**
 * Credential and payment lures: the phrases that, in a message already judged spam, together
 * with a deceptive link or a diverted reply make it {@link ScanVerdict#FRAUD} (see
 * {@link InviteScanner}). Phrases are 1 to 3 tokens, matched on the token stream by hash, so
 * matching costs one table probe per token.
 */
final class LureLexicon {
  /** The phrases, lowercase, tokens separated by one space. */
  static final List<String> PHRASES = List.of(
      // credentials
      "password", "passwords", "passcode", "login", "log in", "logon", "sign in", "username",
      "user name", "pin number", "verify your account", "confirm your account",
      "update your account", "verify your identity", "confirm your identity",
      "account suspended", "been suspended", "unusual activity", "security alert",
      "account verification", "validate your",
      // payment
      "credit card", "card number", "bank account", "account number", "routing number",
      "social security", "billing information", "payment information", "payment details",
      "wire transfer", "western union", "money transfer", "money order", "processing fee",
      "transfer the funds", "next of kin", "paypal", "cvv");

  // open addressing over primitive ints: probed for every token, so no boxing
  private static final int MASK = 255;
  private static final int[] HASHES = new int[MASK + 1];
  private static final String[] NAMES = new String[MASK + 1];

  // the last word of every phrase: a token that is none of these ends no phrase
  private static final int[] LAST_WORDS = new int[MASK + 1];
  private static final boolean[] LAST_USED = new boolean[MASK + 1];

  static {
    for (String p : PHRASES) {
      String[] words = p.split(" ");
      int last = Tokens.hash(words[words.length - 1]);
      int ls = Tokens.fmix(last) & MASK;
      while (LAST_USED[ls] && LAST_WORDS[ls] != last) {
        ls = (ls + 1) & MASK;
      }
      LAST_USED[ls] = true;
      LAST_WORDS[ls] = last;
      int h = Tokens.hash(words[0]);
      for (int k = 1; k < words.length; k++) {
        h = Tokens.pair(h, Tokens.hash(words[k]));
      }
      int slot = Tokens.fmix(h) & MASK;
      while (NAMES[slot] != null) {
        slot = (slot + 1) & MASK;
      }
      HASHES[slot] = h;
      NAMES[slot] = p;
    }
  }

  private LureLexicon() {}

  /** Whether the token with base hash {@code h} ends some phrase. */
  static boolean endsPhrase(int h) {
    int slot = Tokens.fmix(h) & MASK;
    while (LAST_USED[slot]) {
      if (LAST_WORDS[slot] == h) {
        return true;
      }
      slot = (slot + 1) & MASK;
    }
    return false;
  }

  /** The phrase whose chained token hash is {@code h}, or null. */
  static String phrase(int h) {
    int slot = Tokens.fmix(h) & MASK;
    while (NAMES[slot] != null) {
      if (HASHES[slot] == h) {
        return NAMES[slot];
      }
      slot = (slot + 1) & MASK;
    }
    return null;
  }
}
