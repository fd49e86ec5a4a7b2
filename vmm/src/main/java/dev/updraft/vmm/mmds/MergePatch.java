package dev.updraft.vmm.mmds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * JSON Merge Patch (RFC 7396): a patch object merges into the target member by member, a {@code
 * null} member removes one, and anything that is not an object replaces the target whole. The
 * result is a new tree that shares the members the patch leaves alone; neither input is changed, so
 * a reader holding the target sees it whole.
 */
public final class MergePatch {
  private MergePatch() {}

  /** {@code target} (null for none) with {@code patch} applied. */
  public static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    if (target != null && target.isObject()) {
      result.setAll((ObjectNode) target);
    }
    for (Map.Entry<String, JsonNode> member : patch.properties()) {
      if (member.getValue().isNull()) {
        result.remove(member.getKey());
      } else {
        result.set(member.getKey(), apply(result.get(member.getKey()), member.getValue()));
      }
    }
    return result;
  }
}
