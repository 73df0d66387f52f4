package org.covenant.bench.peers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.event.Scope;
import org.covenant.core.state.ConsentStatus;
import org.covenant.core.state.ContentRecord;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.terms.TermsVersion;
import org.covenant.core.vocab.ConsentType;
import org.covenant.core.vocab.SettingDef;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.Result;
import org.covenant.format.TermsLibrary;
import org.covenant.format.TermsParser;

/**
 * The engines of the side-by-side run: Covenant twice (the one rule as a small terms file, and
 * the built-in {@code default} terms with full semantics), then the peers, each deciding the
 * requests of one {@link ConsentWorkload}. {@link #given} says what each engine is handed.
 */
public enum Contestant {
  /** Covenant on the built-in {@code default} terms: full semantics. */
  COVENANT_FULL("covenant-full", "purpose, content id, time of use; nothing precomputed: it "
      + "reads terms at capture and at use, the owner's and every contributor's consent history, "
      + "and collects evidence from the ledger snapshot itself"),
  /** Covenant on {@code consent-rule.yaml}, the one clause, through the public API. */
  COVENANT_RULE("covenant-rule", "purpose, content id, time of use; nothing precomputed: it "
      + "reads the consent history as of capture and use and resolves the setting at account, "
      + "group and user level as of use from the ledger snapshot itself"),
  /** Easy Rules 4.1. */
  EASY_RULES("easy-rules", Given.PEER),
  /** Easy Rules 4.1 with the facts looked up per request: the work the peers are spared. */
  EASY_RULES_LOOKUPS("easy-rules+lookups", "purpose, content id, time of use, as Covenant: "
      + "per request the facts are looked up in Covenant's ledger snapshot (the content, the "
      + "owner's consent as of capture and as of use, the setting entries at account, group and "
      + "user level as of use; the meeting's host and the host's group from a map), then Easy "
      + "Rules decides"),
  /** jCasbin 1.99. */
  JCASBIN("jcasbin", Given.PEER),
  /** Drools 10.2 with drools-mvel. */
  DROOLS("drools", Given.PEER),
  /** CEL-Java 0.14. */
  CEL("cel", Given.PEER),
  /** cedar-java 4.10. */
  CEDAR("cedar", Given.PEER);

  /** Shared text: what every peer is handed. */
  private static final class Given {
    static final String PEER = "precomputed: consent in force at capture and at use (two "
        + "booleans), and the raw setting entries (value, lock) at account, group and user "
        + "level as of use; the lock resolution is its own rule";
  }

  private final String id;
  private final String given;

  Contestant(String id, String given) {
    this.id = id;
    this.given = given;
  }

  /** The name used in {@code -p engine=…} and in the tables. */
  public String id() {
    return id;
  }

  /** What the engine is given per request. */
  public String given() {
    return given;
  }

  /** True for Covenant's own two entries. */
  public boolean covenant() {
    return this == COVENANT_FULL || this == COVENANT_RULE;
  }

  /** The contestant named {@code id}; fails with the known names. */
  public static Contestant of(String id) {
    for (Contestant c : values()) {
      if (c.id.equals(id)) {
        return c;
      }
    }
    List<String> names = new ArrayList<>();
    for (Contestant c : values()) {
      names.add(c.id);
    }
    throw new IllegalArgumentException("unknown engine `" + id + "`: one of " + names);
  }

  /** Decides request {@code i} of the workload it was opened on. */
  public interface Decider extends AutoCloseable {
    /** True when the engine allows request {@code i}. */
    boolean decide(int i);

    @Override
    default void close() {}
  }

  /** Builds the engine over the workload (the ledger for Covenant, the rule for peers). */
  public Decider open(ConsentWorkload w) {
    return switch (this) {
      case COVENANT_FULL -> covenant(w, TermsLibrary.builtInCatalog(), "default");
      case COVENANT_RULE -> covenant(w, ruleCatalog(), "consent-rule");
      case EASY_RULES -> peer(w, EasyRulesPeer::new);
      case EASY_RULES_LOOKUPS -> lookups(w);
      case JCASBIN -> peer(w, CasbinPeer::new);
      case DROOLS -> peer(w, DroolsPeer::new);
      case CEL -> peer(w, CelPeer::new);
      case CEDAR -> peer(w, CedarPeer::new);
    };
  }

  /** The catalog holding only {@code consent-rule}, read from its YAML file. */
  public static TermsCatalog ruleCatalog() {
    String name = "consent-rule.yaml";
    try (InputStream in = Contestant.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " missing from the classpath");
      }
      Result<TermsVersion> r = TermsParser.parse(name,
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
      if (r instanceof Result.Ok<TermsVersion> ok) {
        return TermsCatalog.of(List.of(ok.value()));
      }
      throw new IllegalStateException(((Result.Failed<TermsVersion>) r).problems().toString());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + name, e);
    }
  }

  private static Decider covenant(ConsentWorkload w, TermsCatalog catalog, String terms) {
    DecisionEngine engine = DecisionEngine.create(catalog);
    Snapshot snapshot = w.ledger(catalog, terms).snapshot();
    return i -> engine.decide(snapshot, w.request(i)).allowed();
  }

  private static Decider lookups(ConsentWorkload w) {
    Snapshot snapshot = w.ledger(ruleCatalog(), "consent-rule").snapshot();
    SettingDef def = Vocabulary.setting(ConsentWorkload.FEATURE).orElseThrow();
    EasyRulesPeer p = new EasyRulesPeer();
    return i -> p.allows(lookUp(snapshot, def, w.request(i)));
  }

  /** The facts a peer is given, looked up in the snapshot through Covenant's public API. */
  static RuleFacts lookUp(Snapshot s, SettingDef def, DecisionRequest q) {
    long t = TimeKey.of(q.at());
    ContentRecord c = s.content(q.content(), t).orElseThrow();
    String a = c.account();
    boolean atCapture = s.consent(a, ConsentType.AI_TRAINING, TimeKey.of(c.at()),
        c.position() - 1, Snapshot.noEvidence()) == ConsentStatus.IN_FORCE;
    boolean atUse = s.consent(a, ConsentType.AI_TRAINING, t, Long.MAX_VALUE,
        Snapshot.noEvidence()) == ConsentStatus.IN_FORCE;
    boolean[] lock = new boolean[1];
    Optional<Snapshot.Stamped<Boolean>> acct = s.written(a, Scope.account(), def, t, lock);
    boolean acctLocked = acct.isPresent() && lock[0];
    Optional<Snapshot.Stamped<Boolean>> group = Optional.empty();
    boolean groupLocked = false;
    Optional<Snapshot.Stamped<Boolean>> user = Optional.empty();
    if (c.meeting().isPresent()) {
      String host = ConsentWorkload.host(c.meeting().get());
      Optional<String> g = ConsentWorkload.group(host);
      if (g.isPresent()) {
        lock[0] = false;
        group = s.written(a, Scope.group(g.get()), def, t, lock);
        groupLocked = group.isPresent() && lock[0];
      }
      user = s.written(a, Scope.user(host), def, t, new boolean[0]);
    }
    return new RuleFacts(q.purpose().id(), c.category().id(), atCapture, atUse,
        acct.isPresent(), acct.isPresent() && acct.get().value(), acctLocked, group.isPresent(),
        group.isPresent() && group.get().value(), groupLocked, user.isPresent(),
        user.isPresent() && user.get().value());
  }

  private static Decider peer(ConsentWorkload w, Supplier<PeerEngine> make) {
    PeerEngine p = make.get();
    return new Decider() {
      @Override
      public boolean decide(int i) {
        return p.allows(w.facts(i));
      }

      @Override
      public void close() {
        p.close();
      }
    };
  }

  /**
   * Decides every request and compares with the reference: for a peer, Covenant's answers on
   * the one rule; for {@code covenant-full}, the {@code default} terms' answers by the
   * generator's model; for {@code covenant-rule}, the one rule's answers by the model. Throws
   * {@link AnswerMismatch} naming the first requests that differ.
   *
   * @return the number of allows (so a reader sees the requests are not all one answer)
   */
  public int check(Decider d, ConsentWorkload w, boolean[] covenantRule) {
    int allows = 0;
    int bad = 0;
    StringBuilder first = new StringBuilder();
    for (int i = 0; i < w.size(); i++) {
      boolean want = switch (this) {
        case COVENANT_FULL -> w.defaultAnswer(i);
        case COVENANT_RULE -> w.ruleAnswer(i);
        default -> covenantRule[i];
      };
      boolean got = d.decide(i);
      if (got) {
        allows++;
      }
      if (got != want) {
        if (bad++ < 5) {
          first.append(String.format(Locale.ROOT, "%n  request %d (%s at %s): %s says %s, %s "
              + "says %s; facts %s", i, w.request(i).content(), w.request(i).at(), id,
              got ? "allow" : "deny", reference(), want ? "allow" : "deny", w.facts(i)));
        }
      }
    }
    if (bad > 0) {
      throw new AnswerMismatch(String.format(Locale.ROOT,
          "%s gives %d answers of %d different from %s:%s", id, bad, w.size(), reference(),
          first));
    }
    return allows;
  }

  /** Covenant's answers on the one rule, checked against the generator's model first. */
  public static boolean[] covenantRuleAnswers(ConsentWorkload w) {
    try (Decider d = COVENANT_RULE.open(w)) {
      COVENANT_RULE.check(d, w, null);
      boolean[] out = new boolean[w.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = d.decide(i);
      }
      return out;
    }
  }

  private String reference() {
    return switch (this) {
      case COVENANT_FULL -> "the model of the default terms";
      case COVENANT_RULE -> "the model of the rule";
      default -> "covenant-rule";
    };
  }

  /** Raised when an engine's answers differ from the reference: the run must stop. */
  public static final class AnswerMismatch extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    AnswerMismatch(String message) {
      super(message);
    }
  }
}
