package org.covenant.conformance;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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
            "org.covenant.training..", "org.covenant.telemetry..", "org.covenant.safety..")
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
