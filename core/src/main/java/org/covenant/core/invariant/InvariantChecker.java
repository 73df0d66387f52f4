package org.covenant.core.invariant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.covenant.core.state.ConsentStatus;
import org.covenant.core.terms.Clause;
import org.covenant.core.terms.Condition;
import org.covenant.core.terms.ConditionOracle;
import org.covenant.core.terms.Evaluation;
import org.covenant.core.terms.Reason;
import org.covenant.core.terms.TermsVersion;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.ConsentType;
import org.covenant.core.vocab.Feature;
import org.covenant.core.vocab.Notice;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.SettingDef;
import org.covenant.core.vocab.Vocabulary;

/**
 * Checks invariants exhaustively (ARCHITECTURE.md §5): for each (category, purpose) it enumerates
 * every combination of the atoms the matching clauses and the invariant mention (each setting's
 * own value and its parents', each feature active or not at capture, each consent in force,
 * withdrawn or missing at use and in force or not at capture, the other contributors' consent,
 * each notice acknowledged or not) and evaluates the terms with the engine's own evaluation.
 * Atoms nothing mentions cannot change the answer, so this is exhaustive over every state.
 * Of the violating worlds it reports the minimal one: the fewest atoms granted.
 */
public final class InvariantChecker {
  private InvariantChecker() {}

  /** Every violation, at most one (the minimal) per invariant, category and purpose. */
  public static List<Violation> check(TermsVersion terms, List<Invariant> invariants) {
    List<Violation> out = new ArrayList<>();
    for (Invariant inv : invariants) {
      for (Category c : Vocabulary.categories()) {
        for (Purpose p : Vocabulary.purposes()) {
          if (inv.covers(c.id(), p.id())) {
            minimal(terms, inv, c, p).ifPresent(out::add);
          }
        }
      }
    }
    return out;
  }

  /** How many worlds were enumerated for one invariant (for reports). */
  public static long worlds(TermsVersion terms, Invariant inv) {
    long n = 0;
    for (Category c : Vocabulary.categories()) {
      for (Purpose p : Vocabulary.purposes()) {
        if (inv.covers(c.id(), p.id())) {
          n += Atoms.of(terms.matching(c, p), inv.allowRequires()).count();
        }
      }
    }
    return n;
  }

  private static Optional<Violation> minimal(TermsVersion terms, Invariant inv, Category c,
      Purpose p) {
    Atoms atoms = Atoms.of(terms.matching(c, p), inv.allowRequires());
    Violation best = null;
    int bestGranted = Integer.MAX_VALUE;
    long count = atoms.count();
    for (long code = 0; code < count; code++) {
      World w = atoms.world(code);
      if (!w.consistent()) {
        continue;
      }
      Evaluation e = terms.evaluate(c, p, w);
      if (!e.allow()) {
        continue;
      }
      List<String> unmet = new ArrayList<>();
      if (!inv.neverAllow()) {
        for (Condition req : inv.allowRequires()) {
          Optional<Reason> r = w.check(req);
          r.ifPresent(reason -> unmet.add(req.text() + " (" + reason.code() + ")"));
        }
        if (unmet.isEmpty()) {
          continue;
        }
      }
      int granted = w.granted();
      if (granted < bestGranted) {
        bestGranted = granted;
        best = new Violation(inv, terms.name(), c.id(), p.id(), w.describe(), e, unmet);
      }
    }
    return Optional.ofNullable(best);
  }

  /** The atoms one (category, purpose) depends on, with a mixed-radix numbering of worlds. */
  private static final class Atoms {
    final List<SettingDef> settings = new ArrayList<>();
    final List<Feature> features = new ArrayList<>();
    final List<ConsentType> consents = new ArrayList<>();
    final List<Notice> notices = new ArrayList<>();

    static Atoms of(List<Clause> clauses, List<Condition> extra) {
      Set<SettingDef> s = new LinkedHashSet<>();
      Set<Feature> f = new LinkedHashSet<>();
      Set<ConsentType> k = new LinkedHashSet<>();
      Set<Notice> n = new LinkedHashSet<>();
      List<Condition> all = new ArrayList<>(extra);
      for (Clause cl : clauses) {
        all.addAll(cl.when());
        all.addAll(cl.unless());
      }
      for (Condition cond : all) {
        if (cond instanceof Condition.Setting x) {
          addWithParents(x.setting(), s);
        } else if (cond instanceof Condition.MeetingFeature x) {
          f.add(x.feature());
        } else if (cond instanceof Condition.Consent x) {
          k.add(x.consent());
        } else if (cond instanceof Condition.ConsentAtCapture x) {
          k.add(x.consent());
        } else if (cond instanceof Condition.AllContributorsConsent x) {
          k.add(x.consent());
        } else if (cond instanceof Condition.NoticeAcknowledged x) {
          n.add(x.notice());
        }
      }
      Atoms a = new Atoms();
      a.settings.addAll(s);
      a.features.addAll(f);
      a.consents.addAll(k);
      a.notices.addAll(n);
      return a;
    }

    private static void addWithParents(SettingDef d, Set<SettingDef> out) {
      if (out.add(d)) {
        for (String p : d.parents()) {
          addWithParents(Vocabulary.setting(p).orElseThrow(), out);
        }
      }
    }

    /** 2 per setting, feature and notice; 3 × 2 × 2 per consent (use, capture, others). */
    long count() {
      long n = 1L << (settings.size() + features.size() + notices.size());
      for (int i = 0; i < consents.size(); i++) {
        n *= 12;
      }
      return n;
    }

    World world(long code) {
      World w = new World(this);
      for (int i = 0; i < settings.size(); i++) {
        w.setting.put(settings.get(i), (code & 1) == 1);
        code >>>= 1;
      }
      for (int i = 0; i < features.size(); i++) {
        w.feature.put(features.get(i), (code & 1) == 1);
        code >>>= 1;
      }
      for (int i = 0; i < notices.size(); i++) {
        w.notice.put(notices.get(i), (code & 1) == 1);
        code >>>= 1;
      }
      for (ConsentType k : consents) {
        int digit = (int) (code % 12);
        code /= 12;
        w.use.put(k, ConsentStatus.values()[digit % 3]);
        w.capture.put(k, (digit / 3) % 2 == 1);
        w.others.put(k, digit / 6 == 1);
      }
      return w;
    }
  }

  /** One assignment of the atoms, answering conditions like a ledger would. */
  private static final class World implements ConditionOracle {
    final Atoms atoms;
    final Map<SettingDef, Boolean> setting = new LinkedHashMap<>();
    final Map<Feature, Boolean> feature = new LinkedHashMap<>();
    final Map<Notice, Boolean> notice = new LinkedHashMap<>();
    final Map<ConsentType, ConsentStatus> use = new LinkedHashMap<>();
    final Map<ConsentType, Boolean> capture = new LinkedHashMap<>();
    final Map<ConsentType, Boolean> others = new LinkedHashMap<>();

    World(Atoms atoms) {
      this.atoms = atoms;
    }

    /** A consent in force at capture was granted before use, so it cannot be missing at use. */
    boolean consistent() {
      for (ConsentType k : atoms.consents) {
        if (capture.get(k) && use.get(k) == ConsentStatus.MISSING) {
          return false;
        }
      }
      return true;
    }

    int granted() {
      int n = 0;
      for (boolean b : setting.values()) {
        n += b ? 1 : 0;
      }
      for (boolean b : feature.values()) {
        n += b ? 1 : 0;
      }
      for (boolean b : notice.values()) {
        n += b ? 1 : 0;
      }
      for (ConsentType k : atoms.consents) {
        n += use.get(k) == ConsentStatus.IN_FORCE ? 1 : 0;
        n += use.get(k) == ConsentStatus.WITHDRAWN ? 1 : 0;
        n += capture.get(k) ? 1 : 0;
        n += others.get(k) ? 1 : 0;
      }
      return n;
    }

    Map<String, String> describe() {
      Map<String, String> m = new LinkedHashMap<>();
      setting.forEach((k, v) -> m.put("setting." + k.key(), String.valueOf(v)));
      feature.forEach((k, v) -> m.put("feature_active_at_capture." + k.key(), String.valueOf(v)));
      notice.forEach((k, v) -> m.put("notice_acknowledged." + k.id(), String.valueOf(v)));
      for (ConsentType k : atoms.consents) {
        m.put("consent." + k.id() + ".at_use", use.get(k).name().toLowerCase(java.util.Locale.ROOT));
        m.put("consent." + k.id() + ".at_capture", capture.get(k) ? "in_force" : "not_in_force");
        m.put("consent." + k.id() + ".other_contributors", others.get(k) ? "all_in_force"
            : "some_missing");
      }
      return m;
    }

    private boolean effective(SettingDef d) {
      if (!setting.getOrDefault(d, d.defaultValue())) {
        return false;
      }
      for (String p : d.parents()) {
        if (!effective(Vocabulary.setting(p).orElseThrow())) {
          return false;
        }
      }
      return true;
    }

    @Override
    public Optional<Reason> check(Condition c) {
      if (c instanceof Condition.Setting x) {
        for (String p : x.setting().parents()) {
          if (!effective(Vocabulary.setting(p).orElseThrow())) {
            return Optional.of(Reason.PARENT_DISABLED);
          }
        }
        return setting.get(x.setting()) ? Optional.empty()
            : Optional.of(Reason.SETTING_DISABLED);
      }
      if (c instanceof Condition.MeetingFeature x) {
        return feature.get(x.feature()) ? Optional.empty()
            : Optional.of(Reason.FEATURE_NOT_ACTIVE);
      }
      if (c instanceof Condition.Consent x) {
        return use.get(x.consent()).asConsentCondition();
      }
      if (c instanceof Condition.ConsentAtCapture x) {
        return atCapture(x.consent());
      }
      if (c instanceof Condition.AllContributorsConsent x) {
        Optional<Reason> owner = atCapture(x.consent());
        if (owner.isPresent()) {
          return owner;
        }
        return others.get(x.consent()) ? Optional.empty()
            : Optional.of(Reason.CONTRIBUTOR_CONSENT_MISSING);
      }
      if (c instanceof Condition.NoticeAcknowledged x) {
        return notice.get(x.notice()) ? Optional.empty()
            : Optional.of(Reason.NOTICE_NOT_ACKNOWLEDGED);
      }
      throw new IllegalStateException("unhandled condition " + c.kind());
    }

    private Optional<Reason> atCapture(ConsentType k) {
      if (use.get(k) != ConsentStatus.IN_FORCE) {
        return use.get(k).asConsentCondition();
      }
      return capture.get(k) ? Optional.empty() : Optional.of(Reason.CONSENT_NOT_AT_CAPTURE);
    }
  }
}
