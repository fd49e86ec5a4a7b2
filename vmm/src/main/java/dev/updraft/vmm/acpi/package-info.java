/** ACPI tables (RSDP, XSDT, FADT, MADT, MCFG, DSDT) and the small AML encoder the DSDT needs. */
package dev.updraft.vmm.acpi;
