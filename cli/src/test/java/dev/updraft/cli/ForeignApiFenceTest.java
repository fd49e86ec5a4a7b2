package dev.updraft.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Native code stays fenced in the sys module: no other module may use java.lang.foreign. Checked
 * twice: in the sources of every module (imports and fully qualified names), and in the compiled
 * classes this module can see (which also catches `var` of a foreign type, with no import).
 */
class ForeignApiFenceTest {
  private static final Pattern FOREIGN = Pattern.compile("\\bjava\\.lang\\.foreign\\b");

  @Test
  void noSourceOutsideSysMentionsTheForeignApi() throws IOException {
    Path root = repositoryRoot();
    List<Path> offenders;
    try (Stream<Path> files = Files.walk(root)) {
      offenders =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> !root.relativize(p).startsWith("sys"))
              .filter(p -> !p.toString().contains("/target/"))
              .filter(p -> !p.endsWith("ForeignApiFenceTest.java")) // names the package to ban it
              .filter(ForeignApiFenceTest::mentionsForeignApi)
              .map(root::relativize)
              .toList();
    }
    assertThat(offenders).as("files outside sys/ using java.lang.foreign").isEmpty();
    assertThat(root.resolve("sys/src/main/java/dev/updraft/sys/Native.java")).exists();
  }

  @Test
  void noCompiledClassOutsideSysDependsOnTheForeignApi() {
    JavaClasses classes = new ClassFileImporter().importPackages("dev.updraft");
    assertThat(classes.containPackage("dev.updraft.sys")).isTrue();
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.updraft.sys..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("java.lang.foreign..")
        .check(classes);
  }

  private static boolean mentionsForeignApi(Path file) {
    try {
      return FOREIGN.matcher(Files.readString(file)).find();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("sys/pom.xml"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("repository root above " + Path.of("").toAbsolutePath()).isNotNull();
    return dir;
  }
}
