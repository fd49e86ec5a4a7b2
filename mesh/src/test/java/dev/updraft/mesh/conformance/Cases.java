package dev.updraft.mesh.conformance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Every case, requests first, then responses; names are unique. */
final class Cases {
  private Cases() {}

  static List<Case> all() {
    List<Case> all = new ArrayList<>();
    all.addAll(FramingCases.all());
    all.addAll(ChunkCases.all());
    all.addAll(HeadCases.all());
    all.addAll(ExchangeCases.all());
    all.addAll(Http2Cases.all());
    all.addAll(ResponseCases.all());
    Set<String> names = new HashSet<>();
    for (Case c : all) {
      if (!names.add(c.name())) {
        throw new IllegalStateException("case name used twice: " + c.name());
      }
    }
    return all;
  }
}
