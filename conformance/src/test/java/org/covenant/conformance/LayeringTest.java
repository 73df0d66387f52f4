package org.covenant.conformance;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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
    noClasses().that().resideOutsideOfPackages("org.covenant.log..", "org.covenant.safety..")
        .and().doNotHaveFullyQualifiedName("org.covenant.core.Sha256")
        .should().callMethod(java.security.MessageDigest.class, "getInstance", String.class)
        .check(ALL);
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
