package org.covenant.conformance;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The module layering of ARCHITECTURE.md §1, checked on the classes as built. */
class LayeringTest {
  private static final JavaClasses ALL = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("org.covenant");

  @Test
  void formatDependsOnlyOnCore() {
    noClasses().that().resideInAPackage("org.covenant.format..")
        .should().dependOnClassesThat().resideInAnyPackage("org.covenant.log..",
            "org.covenant.store..", "org.covenant.server..", "org.covenant.cli..",
            "org.covenant.training..", "org.covenant.telemetry..", "org.covenant.safety..",
            "org.covenant.evidence..")
        .check(ALL);
  }

  @Test
  void onlyTheCliDependsOnTheServer() {
    noClasses().that().resideOutsideOfPackages("org.covenant.cli..", "org.covenant.server..")
        .should().dependOnClassesThat().resideInAPackage("org.covenant.server..")
        .because("the server is an adapter; evidence (the log feed, pseudonyms, receipts, the "
            + "data directory) lives in org.covenant.evidence, which the CLI uses for writing")
        .check(ALL);
  }

  @Test
  void evidenceSitsOverCoreFormatLogAndStore() {
    noClasses().that().resideInAPackage("org.covenant.evidence..")
        .should().dependOnClassesThat().resideInAnyPackage("org.covenant.server..",
            "org.covenant.cli..", "org.covenant.training..", "org.covenant.telemetry..",
            "org.covenant.safety..")
        .check(ALL);
  }

  @Test
  void oneCanonicalJson() {
    // RFC 8785 is written once, in the format module; every leaf and receipt goes through it.
    classes().that().haveSimpleName("CanonicalJson")
        .should().haveFullyQualifiedName("org.covenant.format.CanonicalJson")
        .check(ALL);
    assertThat(ALL.stream().filter(c -> c.getSimpleName().equals("CanonicalJson")).count())
        .isEqualTo(1);
  }

  @Test
  void oneSha256Helper() {
    // MessageDigest.getInstance is called by core's Sha256 and by the log's own formats only.
    noClasses().that().resideOutsideOfPackages("org.covenant.log..")
        .and().doNotHaveFullyQualifiedName("org.covenant.core.Sha256")
        .should().callMethod(java.security.MessageDigest.class, "getInstance", String.class)
        .check(ALL);
  }

  /**
   * A public top-level class's simple name is defined in one module only, and a public nested
   * class does not take the name of another module's public top-level class: an import or a
   * reader never has to ask which {@code Verdict} this is. Nested classes may share names with
   * each other (they are read through their outer class: {@code TelemetryReport.Options},
   * {@code ModelTrainer.Options}). No allow-list.
   */
  @Test
  void publicClassNamesDoNotClashAcrossModules() {
    Map<String, Set<String>> topLevel = new TreeMap<>();
    for (JavaClass c : ALL) {
      if (c.isTopLevelClass() && c.getModifiers().contains(JavaModifier.PUBLIC)) {
        topLevel.computeIfAbsent(c.getSimpleName(), k -> new TreeSet<>()).add(module(c));
      }
    }
    // not vacuous: the classes of every module are imported
    assertThat(topLevel.values().stream().flatMap(Set::stream).distinct())
        .contains("core", "format", "log", "store", "evidence", "training", "telemetry", "spark",
            "safety", "server", "cli");
    List<String> clashes = new ArrayList<>();
    topLevel.forEach((name, modules) -> {
      if (modules.size() > 1) {
        clashes.add(name + " in " + modules);
      }
    });
    for (JavaClass c : ALL) {
      if (c.isMemberClass() && isPublic(c)) {
        Set<String> elsewhere = new TreeSet<>(topLevel.getOrDefault(c.getSimpleName(), Set.of()));
        elsewhere.remove(module(c));
        if (!elsewhere.isEmpty()) {
          clashes.add(c.getName() + " (nested) against top-level " + c.getSimpleName() + " in "
              + elsewhere);
        }
      }
    }
    assertThat(clashes).as("public class names defined in two modules").isEmpty();
  }

  /** The module of a class: the package segment after {@code org.covenant}. */
  private static String module(JavaClass c) {
    String[] parts = c.getPackageName().split("\\.");
    return parts.length > 2 ? parts[2] : c.getPackageName();
  }

  /** Public, and every enclosing class too (or an interface member, which is public). */
  private static boolean isPublic(JavaClass c) {
    for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
      boolean inInterface = k.getEnclosingClass().map(JavaClass::isInterface).orElse(false);
      if (!k.getModifiers().contains(JavaModifier.PUBLIC) && !inInterface) {
        return false;
      }
    }
    return true;
  }

  @Test
  void logUsesTheJdkOnly() {
    noClasses().that().resideInAPackage("org.covenant.log..")
        .should().dependOnClassesThat().resideOutsideOfPackages("org.covenant.log..",
            "org.covenant.core..", "java..", "javax.crypto..")
        .allowEmptyShould(true)
        .check(ALL);
  }

  @Test
  void onlyTheCliWiresEverything() {
    noClasses().that().resideOutsideOfPackage("org.covenant.cli..")
        .should().dependOnClassesThat().resideInAPackage("org.covenant.cli..")
        .check(ALL);
  }
}
