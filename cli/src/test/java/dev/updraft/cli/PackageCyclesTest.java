package dev.updraft.cli;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The packages of each module depend on each other in one direction only: a cycle means two
 * packages are one idea split in two, neither understood nor tested alone (the deploy engine and
 * its local target were such a pair). Seen from here, where every module is on the class path; test
 * code is left out, as its fixtures may use any package. The mesh keeps a test of its own, {@code
 * PackageCyclesTest} in its module, with the same rule.
 */
class PackageCyclesTest {
  private static final String[] MODULES = {"sys", "deploy", "vmm", "cli"};

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(java.util.Arrays.stream(MODULES).map(m -> "dev.updraft." + m).toList());

  @Test
  void everyModuleIsOnTheClassPath() {
    for (String module : MODULES) {
      assertThat(CLASSES.containPackage("dev.updraft." + module)).as(module).isTrue();
    }
    assertThat(CLASSES.containPackage("dev.updraft.deploy.local")).isTrue();
  }

  @Test
  void noPackageIsPartOfACycle() {
    slices().matching("dev.updraft.(**)").should().beFreeOfCycles().check(CLASSES);
  }
}
