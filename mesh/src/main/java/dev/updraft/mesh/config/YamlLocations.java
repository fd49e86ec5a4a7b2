package dev.updraft.mesh.config;

import com.fasterxml.jackson.databind.JsonMappingException.Reference;
import java.io.StringReader;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Finds where a field sits in YAML text. Jackson loses positions when it buffers tokens for
 * records, so errors are located again by walking the document's node tree along the error path.
 */
final class YamlLocations {
  private final Node root;

  private YamlLocations(Node root) {
    this.root = root;
  }

  static YamlLocations of(String text) {
    try {
      return new YamlLocations(new Yaml(new LoaderOptions()).compose(new StringReader(text)));
    } catch (RuntimeException e) {
      return new YamlLocations(null);
    }
  }

  /** {@code line:column} (1-based) of the deepest node on {@code path}, or empty if unknown. */
  String locate(List<Reference> path, String extraField) {
    Node node = root;
    Mark mark = node == null ? null : node.getStartMark();
    int steps = path.size() + (extraField == null ? 0 : 1);
    for (int i = 0; i < steps && node != null; i++) {
      String field = i < path.size() ? path.get(i).getFieldName() : extraField;
      int index = i < path.size() ? path.get(i).getIndex() : -1;
      Node next = null;
      if (node instanceof MappingNode mapping && field != null) {
        for (NodeTuple tuple : mapping.getValue()) {
          if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals(field)) {
            mark = key.getStartMark();
            next = tuple.getValueNode();
            break;
          }
        }
      } else if (node instanceof SequenceNode sequence
          && index >= 0
          && index < sequence.getValue().size()) {
        next = sequence.getValue().get(index);
        mark = next.getStartMark();
      }
      node = next;
    }
    return mark == null ? "" : (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
  }
}
