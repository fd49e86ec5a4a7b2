package dev.updraft.vmm.seccomp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Firecracker's seccomp filter document ({@code resources/seccomp/*.json}, {@code
 * docs/seccompiler.md}): an object with a filter per thread kind, each with {@code default_action},
 * {@code filter_action} and a {@code filter} list of {@code {"syscall": NAME, "args": [...]}},
 * {@code comment} allowed anywhere. Every problem is reported with the path of the field.
 */
public final class FilterJson {
  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private FilterJson() {}

  /** Parses a whole document. */
  public static FilterSet parse(byte[] document) {
    JsonNode root;
    try {
      root = MAPPER.readTree(document);
    } catch (JsonProcessingException e) {
      throw new SeccompException("not a JSON document: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new SeccompException("unreadable: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw SeccompException.of("document", kind(root), "an object with vmm, api and vcpu");
    }
    Map<ThreadKind, ThreadFilter> filters = new EnumMap<>(ThreadKind.class);
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      ThreadKind kind = threadKind(entry.getKey());
      filters.put(kind, filter(entry.getKey(), entry.getValue()));
    }
    return new FilterSet(filters);
  }

  private static ThreadKind threadKind(String key) {
    for (ThreadKind kind : ThreadKind.values()) {
      if (kind.key().equals(key)) {
        return kind;
      }
    }
    throw SeccompException.of("thread", "\"" + key + "\"", "vmm, api or vcpu");
  }

  private static ThreadFilter filter(String path, JsonNode node) {
    object(path, node, Set.of("default_action", "filter_action", "filter", "comment"));
    JsonNode rules = required(path, node, "filter");
    if (!rules.isArray()) {
      throw SeccompException.of(path + ".filter", kind(rules), "an array");
    }
    List<SyscallRule> parsed = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      parsed.add(rule(path + ".filter[" + i + "]", rules.get(i)));
    }
    return new ThreadFilter(
        action(path + ".default_action", required(path, node, "default_action")),
        action(path + ".filter_action", required(path, node, "filter_action")),
        parsed);
  }

  private static SyscallRule rule(String path, JsonNode node) {
    object(path, node, Set.of("syscall", "args", "comment"));
    JsonNode name = required(path, node, "syscall");
    if (!name.isTextual()) {
      throw SeccompException.of(path + ".syscall", kind(name), "a system call name");
    }
    int number =
        SyscallTable.number(name.asText())
            .orElseThrow(
                () ->
                    SeccompException.of(
                        path + ".syscall", "\"" + name.asText() + "\"", "an x86_64 system call"));
    List<ArgCondition> conditions = new ArrayList<>();
    JsonNode args = node.get("args");
    if (args != null && !args.isNull()) {
      if (!args.isArray()) {
        throw SeccompException.of(path + ".args", kind(args), "an array");
      }
      for (int i = 0; i < args.size(); i++) {
        conditions.add(condition(path + ".args[" + i + "]", args.get(i)));
      }
    }
    try {
      return new SyscallRule(name.asText(), number, conditions);
    } catch (SeccompException e) {
      throw new SeccompException(path + "." + e.getMessage());
    }
  }

  private static ArgCondition condition(String path, JsonNode node) {
    object(path, node, Set.of("index", "type", "op", "val", "comment"));
    int index = (int) unsigned(path + ".index", required(path, node, "index"), 5);
    JsonNode type = required(path, node, "type");
    ArgCondition.Width width =
        switch (type.isTextual() ? type.asText() : "") {
          case "dword" -> ArgCondition.Width.DWORD;
          case "qword" -> ArgCondition.Width.QWORD;
          default -> throw SeccompException.of(path + ".type", type, "\"dword\" or \"qword\"");
        };
    long value = unsigned(path + ".val", required(path, node, "val"), -1);
    JsonNode op = required(path, node, "op");
    long mask = 0;
    ArgCondition.Op comparison;
    if (op.isObject() && op.size() == 1 && op.has("masked_eq")) {
      comparison = ArgCondition.Op.MASKED_EQ;
      mask = unsigned(path + ".op.masked_eq", op.get("masked_eq"), -1);
    } else {
      comparison =
          switch (op.isTextual() ? op.asText() : "") {
            case "eq" -> ArgCondition.Op.EQ;
            case "ne" -> ArgCondition.Op.NE;
            case "lt" -> ArgCondition.Op.LT;
            case "le" -> ArgCondition.Op.LE;
            case "gt" -> ArgCondition.Op.GT;
            case "ge" -> ArgCondition.Op.GE;
            default ->
                throw SeccompException.of(
                    path + ".op", op, "eq, ne, lt, le, gt, ge or {\"masked_eq\": MASK}");
          };
    }
    try {
      return new ArgCondition(index, width, comparison, value, mask);
    } catch (SeccompException e) {
      throw new SeccompException(path + "." + e.getMessage());
    }
  }

  private static SeccompAction action(String path, JsonNode node) {
    String expected =
        "allow, trap, log, kill_thread, kill_process, {\"errno\": N} or {\"trace\": N}";
    if (node.isTextual()) {
      for (SeccompAction.Kind kind : SeccompAction.Kind.values()) {
        if (!kind.takesData() && kind.json().equals(node.asText())) {
          return new SeccompAction(kind, 0);
        }
      }
    } else if (node.isObject() && node.size() == 1) {
      for (SeccompAction.Kind kind : SeccompAction.Kind.values()) {
        if (kind.takesData() && node.has(kind.json())) {
          long data = unsigned(path + "." + kind.json(), node.get(kind.json()), 0xffff);
          return new SeccompAction(kind, (int) data);
        }
      }
    }
    throw SeccompException.of(path, node, expected);
  }

  /** An unsigned integer up to {@code max} ({@code -1}: any 64-bit value). */
  private static long unsigned(String path, JsonNode node, long max) {
    String expected = max < 0 ? "an unsigned 64-bit integer" : "an integer 0.." + max;
    if (!node.isIntegralNumber()) {
      throw SeccompException.of(path, node, expected);
    }
    var big = node.bigIntegerValue();
    if (big.signum() < 0
        || big.bitLength() > 64
        || (max >= 0 && big.compareTo(java.math.BigInteger.valueOf(max)) > 0)) {
      throw SeccompException.of(path, node, expected);
    }
    return big.longValue();
  }

  private static void object(String path, JsonNode node, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      throw SeccompException.of(path, kind(node), "an object");
    }
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String name = field.getKey();
      if (!allowed.contains(name)) {
        throw SeccompException.of(path + "." + name, "unknown field", "one of " + allowed);
      }
    }
  }

  private static JsonNode required(String path, JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw SeccompException.of(path + "." + field, "missing", "a value");
    }
    return value;
  }

  private static String kind(JsonNode node) {
    return node == null
        ? "nothing"
        : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
