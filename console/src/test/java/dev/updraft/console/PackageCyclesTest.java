package dev.updraft.console;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The console's packages depend on each other in one direction only. */
class PackageCyclesTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.updraft.console");

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("dev.updraft.console.(**)").should().beFreeOfCycles().check(CLASSES);
  }
}
