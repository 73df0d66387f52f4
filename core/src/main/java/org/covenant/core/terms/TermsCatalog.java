package org.covenant.core.terms;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.covenant.core.Sha256;

/**
 * The terms versions an engine knows (the built-in ones plus the user's), by name, with a
 * revision that hashes every version's revision: it changes whenever any terms text changes.
 */
public final class TermsCatalog {
  private final Map<String, TermsVersion> byName;
  private final String revision;

  private TermsCatalog(Map<String, TermsVersion> byName) {
    this.byName = byName;
    MessageDigest md = Sha256.newDigest();
    for (TermsVersion v : new TreeMap<>(byName).values()) {
      md.update((v.name() + "=" + v.revision() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    this.revision = Sha256.PREFIX + Sha256.hex(md);
  }

  /** A catalog of these versions; names must be unique. */
  public static TermsCatalog of(Collection<TermsVersion> versions) {
    Map<String, TermsVersion> m = new LinkedHashMap<>();
    for (TermsVersion v : versions) {
      if (m.put(v.name(), v) != null) {
        throw new IllegalArgumentException("terms `" + v.name() + "` defined twice");
      }
    }
    return new TermsCatalog(m);
  }

  /** The version with this name, if known. */
  public Optional<TermsVersion> version(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Whether the name is known (for {@code unknown_terms}). */
  public boolean knows(String name) {
    return byName.containsKey(name);
  }

  /** Every version, in the order given. */
  public Collection<TermsVersion> versions() {
    return byName.values();
  }

  /** The catalog's revision. */
  public String revision() {
    return revision;
  }
}
