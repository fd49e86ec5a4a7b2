package dev.updraft.mesh;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The mesh's packages depend on each other in one direction only: a cycle means two packages are
 * one idea split in two, and neither can be understood or tested alone. Test code is left out (its
 * fixtures may use any package). Written to move to a repository-wide test: only {@link #ROOT}
 * names the module.
 */
class PackageCyclesTest {
  private static final String ROOT = "dev.updraft.mesh";

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(ROOT);

  @Test
  void topLevelPackagesAreFreeOfCycles() {
    assertThat(CLASSES.containPackage(ROOT + ".http")).isTrue();
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void everyPackageIsFreeOfCycles() {
    slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(CLASSES);
  }
}
