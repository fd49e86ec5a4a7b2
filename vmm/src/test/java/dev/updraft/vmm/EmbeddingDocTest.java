package dev.updraft.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/vmm/embedding.md shows {@link EmbeddingExample}'s code word for word: the page's examples
 * are compiled (and run by {@code EmbeddingIT}), so a change to the API that breaks them fails
 * here.
 */
class EmbeddingDocTest {
  @Test
  void thePageShowsTheCompiledExamples() throws Exception {
    Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    Path source = module.resolve("src/test/java/dev/updraft/vmm/EmbeddingExample.java");
    Path page = module.resolveSibling("docs/vmm/embedding.md");
    List<String> lines = Files.readAllLines(source);
    String doc = Files.readString(page);
    for (String name : List.of("lifecycle", "vsock")) {
      String snippet = snippet(lines, name);
      assertThat(snippet).as(name).isNotBlank();
      assertThat(doc).as("docs/vmm/embedding.md shows the %s example", name).contains(snippet);
    }
  }

  /** The lines between {@code // begin:name} and {@code // end:name}, less their indentation. */
  static String snippet(List<String> lines, String name) {
    int begin = -1;
    int end = -1;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.equals("// begin:" + name)) {
        begin = i + 1;
      } else if (line.equals("// end:" + name)) {
        end = i;
      }
    }
    assertThat(begin).as("begin:%s", name).isPositive();
    assertThat(end).as("end:%s", name).isGreaterThan(begin);
    int indent = lines.get(begin).length() - lines.get(begin).stripLeading().length();
    StringBuilder text = new StringBuilder();
    for (String line : lines.subList(begin, end)) {
      text.append(line.length() >= indent ? line.substring(indent) : line.strip()).append('\n');
    }
    return text.toString();
  }
}
