package dev.updraft.deploy.apply;

import dev.updraft.deploy.spec.Service;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job's outputs: the {@code NAME=value} lines it wrote to the file {@code $UPDRAFT_OUTPUT} names,
 * which become its attributes {@code outputs.NAME} for other services to reference.
 */
public final class JobOutputs {
  private JobOutputs() {}

  /** {@code NAME=value} lines; anything else is ignored. */
  public static Map<String, String> parse(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    if (text == null) {
      return values;
    }
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq).trim(), line.substring(eq + 1).stripTrailing());
      }
    }
    return values;
  }

  /**
   * The job's attributes from what it wrote, or a failure naming the first declared output it did
   * not write.
   *
   * @param where how the job writes its outputs on this target, for the hint
   * @param logTail the job's last log lines, or null
   */
  public static Map<String, String> attributes(
      Service.Job job, Map<String, String> written, String where, String logTail) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (String name : job.outputs()) {
      String value = written.get(name);
      if (value == null) {
        throw new DeployException(
            "JOB_OUTPUT",
            job.name() + ": the job did not write output " + name,
            "write NAME=value lines to " + where,
            logTail);
      }
      attributes.put("outputs." + name, value);
    }
    return attributes;
  }
}
