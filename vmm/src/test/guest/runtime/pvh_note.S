/*
 * The PVH entry point note (Xen ELF note type XEN_ELFNOTE_PHYS32_ENTRY = 18). Linked only into the
 * <name>.elf variant: without it a VMM boots the image through the Linux 64-bit protocol.
 */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4          /* name size: "Xen\0" */
	.long 4          /* descriptor size */
	.long 18         /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long pvh_start
	.balign 4

	.section .note.GNU-stack, "", @progbits
