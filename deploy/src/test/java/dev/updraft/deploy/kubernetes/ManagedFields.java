package dev.updraft.deploy.kubernetes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Server-side apply's field ownership, as much of it as {@link MockCluster} needs: each apply
 * records the fields its manager sent in {@code metadata.managedFields} (FieldsV1, maps field by
 * field, lists whole); a field the manager no longer sends goes unless another applier owns it; a
 * forced apply of a different value takes the field from its other owners, the same value shares
 * it. Objects are the JSON trees of the API server, as maps.
 */
final class ManagedFields {
  private ManagedFields() {}

  /**
   * What {@code stored} becomes when {@code manager} applies {@code applied} (with force), both
   * without status; {@code applied} is changed in place and returned.
   */
  static Map<String, Object> apply(
      Map<String, Object> stored, Map<String, Object> applied, String manager, String time) {
    List<List<String>> sent = leaves(content(applied), List.of());
    List<Map<String, Object>> entries = new ArrayList<>();
    for (Map<String, Object> entry : entries(stored)) {
      if (manager.equals(entry.get("manager")) || !"Apply".equals(entry.get("operation"))) {
        continue;
      }
      List<List<String>> owned = new ArrayList<>(leaves(fields(entry), List.of()));
      owned.removeIf(p -> sent.contains(p) && !Objects.equals(at(stored, p), at(applied, p)));
      for (List<String> path : owned) {
        if (!sent.contains(path) && at(stored, path) != null) {
          put(applied, path, at(stored, path));
        }
      }
      entry.put("fieldsV1", tree(owned));
      entries.add(entry);
    }
    Map<String, Object> mine = new LinkedHashMap<>();
    mine.put("manager", manager);
    mine.put("operation", "Apply");
    mine.put("apiVersion", applied.get("apiVersion"));
    mine.put("time", time);
    mine.put("fieldsType", "FieldsV1");
    mine.put("fieldsV1", tree(sent));
    entries.add(mine);
    metadata(applied).put("managedFields", entries);
    return applied;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> entries(Map<String, Object> object) {
    Object list = metadata(object).get("managedFields");
    List<Map<String, Object>> entries = new ArrayList<>();
    if (list instanceof List<?> l) {
      l.forEach(e -> entries.add(new LinkedHashMap<>((Map<String, Object>) e)));
    }
    return entries;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> metadata(Map<String, Object> object) {
    return (Map<String, Object>) object.computeIfAbsent("metadata", k -> new LinkedHashMap<>());
  }

  /**
   * The applied object's fields that ownership covers (not its identity, status or bookkeeping).
   */
  private static Map<String, Object> content(Map<String, Object> object) {
    Map<String, Object> copy = new LinkedHashMap<>(object);
    copy.remove("status");
    copy.remove("apiVersion");
    copy.remove("kind");
    Map<String, Object> meta = new LinkedHashMap<>(metadata(object));
    List.of("managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "name")
        .forEach(meta::remove);
    meta.remove("namespace");
    copy.put("metadata", meta);
    return copy;
  }

  /** Paths to every value that is not a map (lists count whole), and to empty maps. */
  private static List<List<String>> leaves(Map<?, ?> tree, List<String> prefix) {
    List<List<String>> out = new ArrayList<>();
    for (Map.Entry<?, ?> e : tree.entrySet()) {
      String key = String.valueOf(e.getKey());
      List<String> path = new ArrayList<>(prefix);
      path.add(key.startsWith("f:") ? key.substring(2) : key);
      if (e.getValue() instanceof Map<?, ?> child && !child.isEmpty()) {
        out.addAll(leaves(child, path));
      } else {
        out.add(List.copyOf(path));
      }
    }
    return out;
  }

  private static Map<?, ?> fields(Map<String, Object> entry) {
    return entry.get("fieldsV1") instanceof Map<?, ?> m ? m : Map.of();
  }

  /** FieldsV1 of a set of paths: {"f:spec": {"f:replicas": {}}}. */
  private static Map<String, Object> tree(List<List<String>> paths) {
    Map<String, Object> root = new LinkedHashMap<>();
    for (List<String> path : paths) {
      Map<String, Object> node = root;
      for (String key : path) {
        node = child(node, "f:" + key);
      }
    }
    return root;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> node, String key) {
    return (Map<String, Object>) node.computeIfAbsent(key, k -> new LinkedHashMap<>());
  }

  private static Object at(Map<String, Object> object, List<String> path) {
    Object node = object;
    for (String key : path) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = map.get(key);
    }
    return node;
  }

  private static void put(Map<String, Object> object, List<String> path, Object value) {
    Map<String, Object> node = object;
    for (String key : path.subList(0, path.size() - 1)) {
      node = child(node, key);
    }
    node.put(path.getLast(), value);
  }
}
