package org.covenant.core.vocab;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in taxonomy as data (ARCHITECTURE.md §2): categories with owners, purposes, setting
 * definitions, features with their notices, consents and roles. Ids are stable strings; ordinals
 * are dense so that hot paths index arrays instead of hashing strings.
 */
public final class Vocabulary {
  private static final List<Category> CATEGORIES;
  private static final List<Purpose> PURPOSES;
  private static final List<SettingDef> SETTINGS;
  private static final List<Feature> FEATURES;
  private static final Map<String, Category> CATEGORY_BY_ID = new LinkedHashMap<>();
  private static final Map<String, Purpose> PURPOSE_BY_ID = new LinkedHashMap<>();
  private static final Map<String, SettingDef> SETTING_BY_KEY = new LinkedHashMap<>();
  private static final Map<String, Feature> FEATURE_BY_KEY = new LinkedHashMap<>();

  static {
    List<Category> cats = new ArrayList<>();
    String[][] customer = {
      {"audio", "user.content.private", "pd:VoiceRecording"},
      {"video", "user.content.private", "pd:VideoRecording"},
      {"screen_share", "user.content.private", "pd:Communication"},
      {"chat", "user.content.private", "pd:CommunicationsMetadata"},
      {"transcript", "user.content.private", "pd:Communication"},
      {"recording", "user.content.private", "pd:AudioVisualRecording"},
      {"whiteboard", "user.content.private", "pd:Communication"},
      {"poll", "user.content.private", "pd:Opinion"},
      {"reaction", "user.content.private", "pd:Opinion"},
      {"attachment", "user.content.private", "pd:Communication"},
      {"ai_summary", "user.content.private", "pd:Communication"},
      {"webinar_invite", "user.content.private", "pd:Communication"},
    };
    for (String[] c : customer) {
      cats.add(
          new Category("customer_content." + c[0], cats.size(), Owner.CUSTOMER, true, c[1], c[2]));
    }
    cats.add(
        new Category(
            "service_generated.telemetry",
            cats.size(),
            Owner.PLATFORM,
            true,
            "user.device",
            "pd:DeviceBased"));
    cats.add(
        new Category(
            "service_generated.diagnostics",
            cats.size(),
            Owner.PLATFORM,
            true,
            "system.operations",
            "pd:DeviceSoftware"));
    cats.add(
        new Category(
            "service_generated.usage",
            cats.size(),
            Owner.PLATFORM,
            true,
            "user.behavior",
            "pd:UsageHistory"));
    cats.add(
        new Category(
            "aggregated.usage",
            cats.size(),
            Owner.PLATFORM,
            false,
            "system.operations",
            "dpv:AnonymisedData"));
    CATEGORIES = Collections.unmodifiableList(cats);
    for (Category c : CATEGORIES) {
      CATEGORY_BY_ID.put(c.id(), c);
    }

    String[][] purposes = {
      {"service.provide", "essential.service", "dpv:ServiceProvision"},
      {"service.recording", "essential.service.operations", "dpv:ServiceProvision"},
      {"service.livestream", "essential.service.operations", "dpv:ServiceProvision"},
      {"service.transcription", "essential.service.operations", "dpv:ServiceProvision"},
      {"service.ai_feature.meeting_summary", "functional.service", "dpv:ServiceProvision"},
      {"service.ai_feature.meeting_questions", "functional.service", "dpv:ServiceProvision"},
      {"service.ai_feature.smart_recording", "functional.service", "dpv:ServiceProvision"},
      {"safety.abuse_scanning", "essential.service.security", "dpv:FraudPreventionAndDetection"},
      {"legal.compliance", "essential.legal", "dpv:LegalCompliance"},
      {"product.improvement", "functional.service.improve", "dpv:ServiceImprovement"},
      {"ai.training", "train_ai_system", "dpv:ResearchAndDevelopment"},
      {"analytics.load_balancing", "analytics.reporting", "dpv:ServiceOptimisation"},
      {"marketing", "marketing.advertising", "dpv:Marketing"},
    };
    List<Purpose> ps = new ArrayList<>();
    for (String[] p : purposes) {
      ps.add(new Purpose(p[0], ps.size(), p[1], p[2]));
    }
    PURPOSES = Collections.unmodifiableList(ps);
    for (Purpose p : PURPOSES) {
      PURPOSE_BY_ID.put(p.id(), p);
    }

    List<SettingDef> ss = new ArrayList<>();
    ss.add(new SettingDef("recording.cloud", ss.size(), true, SettingMode.LOCK, List.of()));
    ss.add(new SettingDef("recording.local", ss.size(), true, SettingMode.LOCK, List.of()));
    ss.add(new SettingDef("livestream.enabled", ss.size(), false, SettingMode.LOCK, List.of()));
    ss.add(
        new SettingDef(
            "transcription.enabled", ss.size(), false, SettingMode.LOCK, List.of("recording.cloud")));
    ss.add(new SettingDef("ai_companion.enabled", ss.size(), false, SettingMode.LOCK, List.of()));
    ss.add(
        new SettingDef(
            "ai_companion.meeting_summary",
            ss.size(),
            false,
            SettingMode.LOCK,
            List.of("ai_companion.enabled")));
    ss.add(
        new SettingDef(
            "ai_companion.meeting_questions",
            ss.size(),
            false,
            SettingMode.LOCK,
            List.of("ai_companion.enabled")));
    ss.add(
        new SettingDef(
            "ai_companion.smart_recording",
            ss.size(),
            false,
            SettingMode.LOCK,
            List.of("ai_companion.enabled", "recording.cloud")));
    ss.add(new SettingDef("diagnostics.optional", ss.size(), true, SettingMode.CEILING, List.of()));
    ss.add(
        new SettingDef("notice.require_agreement", ss.size(), false, SettingMode.LOCK, List.of()));
    SETTINGS = Collections.unmodifiableList(ss);
    for (SettingDef s : SETTINGS) {
      SETTING_BY_KEY.put(s.key(), s);
    }

    Object[][] features = {
      {"recording.cloud", Notice.RECORDING},
      {"recording.local", Notice.RECORDING},
      {"livestream.enabled", Notice.LIVESTREAM},
      {"transcription.enabled", Notice.TRANSCRIPTION},
      {"ai_companion.meeting_summary", Notice.AI_COMPANION},
      {"ai_companion.meeting_questions", Notice.AI_COMPANION},
      {"ai_companion.smart_recording", Notice.AI_COMPANION},
    };
    List<Feature> fs = new ArrayList<>();
    for (Object[] f : features) {
      String key = (String) f[0];
      fs.add(new Feature(key, fs.size(), SETTING_BY_KEY.get(key), (Notice) f[1]));
    }
    FEATURES = Collections.unmodifiableList(fs);
    for (Feature f : FEATURES) {
      FEATURE_BY_KEY.put(f.key(), f);
    }
  }

  private Vocabulary() {}

  /** Every category, in ordinal order. */
  public static List<Category> categories() {
    return CATEGORIES;
  }

  /** Every purpose, in ordinal order. */
  public static List<Purpose> purposes() {
    return PURPOSES;
  }

  /** Every setting definition, in ordinal order. */
  public static List<SettingDef> settings() {
    return SETTINGS;
  }

  /** Every meeting feature, in ordinal order. */
  public static List<Feature> features() {
    return FEATURES;
  }

  /** The category with this id, if it exists. */
  public static Optional<Category> category(String id) {
    return Optional.ofNullable(CATEGORY_BY_ID.get(id));
  }

  /** The purpose with this id, if it exists. */
  public static Optional<Purpose> purpose(String id) {
    return Optional.ofNullable(PURPOSE_BY_ID.get(id));
  }

  /** The setting with this key, if it exists. */
  public static Optional<SettingDef> setting(String key) {
    return Optional.ofNullable(SETTING_BY_KEY.get(key));
  }

  /** The feature with this key, if it exists. */
  public static Optional<Feature> feature(String key) {
    return Optional.ofNullable(FEATURE_BY_KEY.get(key));
  }

  /**
   * True when {@code pattern} matches {@code id}: {@code *} matches everything, {@code a.*}
   * matches every child of {@code a}, anything else matches itself only (ARCHITECTURE.md §2).
   */
  public static boolean matches(String pattern, String id) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.endsWith(".*")) {
      String prefix = pattern.substring(0, pattern.length() - 1);
      return id.startsWith(prefix);
    }
    return pattern.equals(id);
  }
}
