package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionsTest {
  record Inner(String path, List<String> args) {}

  record Old(String name, Inner inner, Map<String, String> env) {}

  // The same definition after a release of updraft added two fields to the model.
  record New(String name, Inner inner, String added, Map<String, String> env, List<String> more) {}

  @Test
  void absentFieldsLeaveTheDefinitionAsItWas() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("B", "2");
    env.put("A", "1");
    String old = Versions.canonical(new Old("x", new Inner("./p", List.of("a")), env));
    String now =
        Versions.canonical(
            new New("x", new Inner("./p", List.of("a")), null, Map.of("A", "1", "B", "2"), null));
    assertThat(old.replace("Old{", "")).isEqualTo(now.replace("New{", ""));
    assertThat(old).isEqualTo("Old{name=x;inner=Inner{path=./p;args=[a];};env={A=1, B=2};}");
  }

  @Test
  void everyValueThatIsSetCounts() {
    assertThat(Versions.canonical(new Old("x", null, Map.of("A", "1"))))
        .isNotEqualTo(Versions.canonical(new Old("x", null, Map.of("A", "2"))))
        .isNotEqualTo(Versions.canonical(new Old("y", null, Map.of("A", "1"))));
    assertThat(Versions.canonical(Duration.ofMinutes(10))).isEqualTo("PT10M");
    // A job's `when` is hashed as the spec spells it, as when it was a string.
    assertThat(Versions.canonical(dev.updraft.deploy.spec.Service.When.CRON)).isEqualTo("cron");
  }
}
