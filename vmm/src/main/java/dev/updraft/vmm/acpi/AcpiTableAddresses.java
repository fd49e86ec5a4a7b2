package dev.updraft.vmm.acpi;

/**
 * Where {@link AcpiTables#write} put each table, for logs and for tests that walk them.
 *
 * @param rsdp root pointer
 * @param xsdt extended system description table
 * @param dsdt differentiated system description table
 * @param fadt fixed ACPI description table
 * @param madt multiple APIC description table
 * @param mcfg PCIe memory-mapped configuration table
 */
public record AcpiTableAddresses(
    long rsdp, long xsdt, long dsdt, long fadt, long madt, long mcfg) {}
