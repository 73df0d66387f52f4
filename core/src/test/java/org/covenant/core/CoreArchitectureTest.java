package org.covenant.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import org.junit.jupiter.api.Test;

/** STYLE.md layout rules for the pure core, as tests. */
class CoreArchitectureTest {
  private static final JavaClasses CORE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("org.covenant.core");

  @Test
  void coreDependsOnlyOnItselfAndTheJdk() {
    ArchRuleDefinition.classes().that().resideInAPackage("org.covenant.core..")
        .should().onlyDependOnClassesThat()
        .resideInAnyPackage("org.covenant.core..", "java..")
        .check(CORE);
  }

  @Test
  void coreDoesNoIo() {
    noClasses().that().resideInAPackage("org.covenant.core..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("java.sql..", "java.net..", "java.nio.file..", "java.io..")
        .because("the core is pure: adapters do I/O (STYLE.md)")
        .check(CORE);
  }

  @Test
  void coreReadsNoClockAndNoRandomness() {
    noClasses().that().resideInAPackage("org.covenant.core..")
        .should().callMethod(java.time.Instant.class, "now")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.SecureRandom")
        .because("time is an input to evaluation, never read inside the core")
        .check(CORE);
  }
}
