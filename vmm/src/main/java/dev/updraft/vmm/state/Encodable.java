package dev.updraft.vmm.state;

/**
 * A state value that writes itself into a snapshot. Each implementation also has a static {@code
 * read(StateReader)} that reads exactly what {@link #write} wrote, field by field in the same
 * order, and validates as the record's constructor does: the format is the code, and a change to it
 * changes the snapshot format version.
 */
public interface Encodable {
  void write(StateWriter out);
}
